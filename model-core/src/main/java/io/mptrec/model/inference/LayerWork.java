package io.mptrec.model.inference;

import org.bytedeco.javacpp.FloatPointer;

/**
 * One pass's working memory for {@link FrozenDense}: the rows its Java loop works in and the native blocks that carry a
 * block's rows to and from {@code sgemm}. Taken by one pass at a time with the rest of its scratch and reused by the
 * next, so a pass allocates nothing native; {@link #close()} frees the blocks when the scratch is dropped.
 */
final class LayerWork implements AutoCloseable {

    final float[] rowIn;
    final float[] rowOut;
    final FloatPointer in;
    final FloatPointer out;
    /** The memory {@link #in} and {@link #out} are views of, each from its first cache line on. */
    private final FloatPointer inMemory;
    private final FloatPointer outMemory;

    /** For blocks of up to {@code rows} rows of layers at most {@code widest} wide. */
    LayerWork(int rows, int widest) {
        this.rowIn = new float[widest];
        this.rowOut = new float[widest];
        this.inMemory = new FloatPointer((long) rows * widest + FrozenDense.LINE_FLOATS);
        this.outMemory = new FloatPointer((long) rows * widest + FrozenDense.LINE_FLOATS);
        this.in = FrozenDense.lineAligned(inMemory);
        this.out = FrozenDense.lineAligned(outMemory);
    }

    @Override
    public void close() {
        inMemory.close();
        outMemory.close();
    }
}

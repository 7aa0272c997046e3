package io.mptrec.model.training;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.network.Predictions;
import io.mptrec.model.nn.NativeFloats;
import io.mptrec.model.nn.StepWorkspace;
import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * What a frozen part of a network gives for every row of a split, computed once and kept in native memory: training the
 * rest then spends its epochs on the trainable part alone. The arrays are computed over the batches of rows
 * {@link Predictions#inBatches} cuts, so a range of those batches reads back, bit for bit, what a scoring pass over it
 * computes. Above a byte budget nothing is kept and the caller computes each batch itself ({@link #isKept()}).
 */
public final class KeptRows implements AutoCloseable {

    /** The most native memory kept arrays may take in a process with a native budget of 768 MB or less. */
    static final long MAX_BYTES = 256L << 20;

    /** The frozen part's arrays for some rows: one matrix per kept array, rows x its width. */
    @FunctionalInterface
    public interface Pass {
        INDArray[] of(EncodedRows rows);
    }

    private final EncodedSource source;
    /** null when nothing is kept */
    private final INDArray[] kept;

    private KeptRows(EncodedSource source, INDArray[] kept) {
        this.source = source;
        this.kept = kept;
    }

    /**
     * The most native memory kept arrays may take: a third of the process's native budget (JavaCPP's {@code maxbytes},
     * which the {@code mptrec} launcher sets per command: 256 MB for {@code tune}, 2 GB for the benchmark), and at
     * least {@link #MAX_BYTES}. The rest of the budget serves the model, its steps' workspaces and the scoring passes.
     */
    public static long maxBytes() {
        return maxBytes(Pointer.maxBytes());
    }

    static long maxBytes(long nativeBudget) {
        return nativeBudget > 0 ? Math.max(MAX_BYTES, nativeBudget / 3) : MAX_BYTES;
    }

    /**
     * @param widths each kept array's width, in the order {@code pass} gives them
     * @param maxBytes above this size of the kept arrays nothing is kept
     */
    public static KeptRows of(EncodedSource rows, int[] widths, Pass pass, long maxBytes) {
        int n = rows.rows();
        long rowBytes = 0;
        for (int width : widths) {
            rowBytes += (long) Float.BYTES * width;
        }
        if (n == 0 || n * rowBytes > maxBytes) {
            return new KeptRows(rows, null);
        }
        // Arrays of their final size, made here, outside any workspace (stacking chunks at the end held everything
        // twice); each chunk's pass runs in the scoring workspace and is copied in, so it leaves no native garbage.
        INDArray[] kept = new INDArray[widths.length];
        for (int i = 0; i < widths.length; i++) {
            kept[i] = Nd4j.create(DataType.FLOAT, n, widths[i]);
        }
        Predictions.inBatches(n, (from, end) -> {
            INDArray[] arrays = pass.of(rows.range(from, end));
            for (int i = 0; i < kept.length; i++) {
                kept[i].get(NDArrayIndex.interval(from, end), NDArrayIndex.all()).assign(arrays[i]);
            }
        });
        return new KeptRows(rows, kept);
    }

    public boolean isKept() {
        return kept != null;
    }

    /** The native bytes the kept arrays take; 0 when nothing is kept. */
    public long bytes() {
        long bytes = 0;
        for (int i = 0; kept != null && i < kept.length; i++) {
            bytes += kept[i].length() * Float.BYTES;
        }
        return bytes;
    }

    /** The rows the arrays were computed from. */
    public EncodedSource source() {
        return source;
    }

    /** Each kept array's rows at {@code positions}, the running step's matrices (see {@link #rows(INDArray, int[])}). */
    public INDArray[] rows(int[] positions) {
        INDArray[] batch = new INDArray[kept.length];
        for (int i = 0; i < kept.length; i++) {
            batch[i] = rows(kept[i], positions);
        }
        return batch;
    }

    /** As {@link #rows(int[])}, for the rows [from, end): one copy of each kept matrix's block of rows. */
    public INDArray[] range(int from, int end) {
        INDArray[] batch = new INDArray[kept.length];
        for (int i = 0; i < kept.length; i++) {
            batch[i] = kept[i].get(NDArrayIndex.interval(from, end), NDArrayIndex.all()).dup('c');
        }
        return batch;
    }

    /** The kept arrays themselves; none when nothing is kept. */
    INDArray[] held() {
        return kept == null ? new INDArray[0] : kept.clone();
    }

    /** Frees the kept arrays' native memory now, not at a later garbage collection; no rows may be asked for after. */
    @Override
    public void close() {
        for (INDArray a : held()) {
            if (a.closeable()) {
                a.close();
            }
        }
    }

    /**
     * The matrix's rows at {@code positions}, in a matrix of the running step's ({@link StepWorkspace#uninitialized})
     * or a new one outside a step: one bulk copy of each row's
     * memory. ND4J's {@code pullRows}, the one native gather it offers, took a sixth of a KuaiRand stage-2 training
     * step in a JFR profile (model-core/BENCHMARKS.md); {@code INDArray.getRows} makes a native call per row. A matrix
     * past a Java buffer's reach (2 GB) still goes to {@code pullRows}. Either way the values are copied, not computed.
     */
    static INDArray rows(INDArray matrix, int[] positions) {
        boolean reachable = matrix.length() * Float.BYTES <= Integer.MAX_VALUE;
        if (!reachable || !NativeFloats.dense(matrix) || matrix.ordering() != 'c') {
            return Nd4j.pullRows(matrix, 1, positions);
        }
        int width = Math.toIntExact(matrix.size(1));
        INDArray batch = StepWorkspace.uninitialized(positions.length, width);
        FloatBuffer from = NativeFloats.of(matrix);
        FloatBuffer to = NativeFloats.of(batch);
        for (int i = 0; i < positions.length; i++) {
            to.put(i * width, from, positions[i] * width, width);
        }
        Reference.reachabilityFence(matrix);
        return batch;
    }
}

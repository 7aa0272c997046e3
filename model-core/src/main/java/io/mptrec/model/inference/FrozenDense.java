package io.mptrec.model.inference;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.mptrec.model.artifact.FloatArray;
import io.mptrec.model.nn.OpenBlasCore;
import io.mptrec.model.nn.Subnormals;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * A frozen layer y = x W (+ b) over a block of rows held row-major in Java arrays. From {@link #BLAS_ROWS} rows the
 * block goes to OpenBLAS's {@code sgemm}: W lives in native memory from the layer's construction on, and the block's
 * rows go through the pass's own native blocks ({@link LayerWork}), so a call copies the block in and out but never the
 * weights, and registers nothing (handing sgemm Java arrays made JNI copy W in and out at every call). Below
 * {@link #BLAS_ROWS} rows a Java loop one row at a time is faster.
 *
 * <p>Where OpenBLAS runs its AVX-512 kernels, a block's product goes to {@code sgemm} in panels of W's columns small
 * enough for their small-matrix kernel ({@link #panelColumns}), which multiplies without first copying both operands
 * into packed blocks: at 100 rows a Census pass took 298 instead of 357 microseconds on a Zen 4 host (model-core/
 * BENCHMARKS.md, "Column panels for OpenBLAS's small-matrix kernel"); on a Zen 5 host, whose packed path is twice as
 * fast, the difference did not show. OpenBLAS's AVX2 kernels have none, and there panels were slower.
 *
 * <p>The Java loop keeps W as one array per input unit and runs over one output row copied out of the block, so the
 * inner loop indexes no array with an offset: that is the form C2 vectorises on Java 17 (with an offset it stays
 * scalar, about 4x slower). Four input units per sweep of the output row cut its loads and stores by four. Where the
 * CPU has fused multiply-add (every x86-64 CPU since 2013, every ARMv8 one; HotSpot's {@code UseFMA}), the loop adds
 * each product with {@link Math#fma}, which C2 turns into vector FMA instructions: a 1-row Census pass took about 12
 * instead of 17 microseconds (model-core/BENCHMARKS.md). Without it {@code Math.fma} falls back to software and would be
 * far slower, so the loop multiplies and adds; the two differ in the last bits, as OpenBLAS's kernels differ from both.
 */
final class FrozenDense {

    /**
     * Measured at Census widths with W held natively (model-core/BENCHMARKS.md): a 10-row pass takes a fifth (AVX-512
     * kernels) to three quarters (AVX2 kernels) of its time in the Java loop; one row stays faster in the loop.
     */
    static final int BLAS_ROWS = 4;
    /**
     * The largest product (rows x columns x inputs) OpenBLAS 0.3.19 gives its small-matrix kernel on its AVX-512 cores
     * ({@code sgemm_small_kernel_permit_skylakex.c}: 100^3).
     */
    static final long SMALL_PRODUCT = 1_000_000;
    /** Whether OpenBLAS runs kernels with the small-matrix path in this process (its AVX-512 ones). */
    static final boolean SMALL_MATRIX_KERNELS = OpenBlasCore.hasSmallMatrixKernels();
    /** Panels start at multiples of this many columns: OpenBLAS's AVX-512 kernels take 16 floats at a time. */
    private static final int PANEL_STEP = 16;
    private static final int CACHE_LINE = 64;
    /** What an allocation needs beyond its values for {@link #lineAligned} to find a cache line in it. */
    static final int LINE_FLOATS = CACHE_LINE / Float.BYTES;
    /** Whether the JIT compiles {@link Math#fma} to the CPU's own instruction; false where that cannot be read. */
    static final boolean HARDWARE_FMA = hardwareFma();

    private final int inputs;
    private final int outputs;
    /** W in native memory, for sgemm: a view of {@link #nativeWeightMemory} from its first cache line on. */
    private final FloatPointer nativeWeight;
    /** Freed with the layer (by the collector: the kernel lives as long as its artifacts), as {@link #panelMemory}. */
    private final FloatPointer nativeWeightMemory;
    /**
     * W cut into panels of columns, each panel a matrix of its own in native memory (inputs x its columns, row-major):
     * {@code panels[i]} for panels of {@code PANEL_STEP << i} columns, for every such width below {@link #outputs}, the
     * last panel of a width narrower where it does not divide the outputs. A panel read as columns of W (a view with
     * W's row stride) took as long as the whole product: at 100 rows on an Intel Xeon 100 x 131 x 256 took 53 us in
     * 64-column views, 37 us in 64-column matrices, 49 us whole (model-core/BENCHMARKS.md).
     */
    private final FloatPointer[][] panels;
    /** The memory {@link #panels} are views of (they own nothing; {@link #forward} keeps the layer reachable). */
    private final FloatPointer panelMemory;
    private final float[][] weightRows;
    private final float[] bias;
    /** The bias repeated for a block's rows, so that adding it indexes both arrays alike; null without a bias. */
    private final float[] biasRows;

    /** @param bias the bias, or null for a bias-free layer */
    FrozenDense(FloatArray weight, FloatArray bias) {
        if (weight.shape().length != 2) {
            throw new IllegalArgumentException("a layer's weight must be a matrix, was " + weight);
        }
        this.inputs = weight.shape()[0];
        this.outputs = weight.shape()[1];
        if (bias != null && bias.data().length != outputs) {
            throw new IllegalArgumentException("bias of " + bias.data().length + " values for a layer of " + outputs + " outputs");
        }
        float[] w = Subnormals.negligibleFlushed(weight.data());
        this.nativeWeightMemory = new FloatPointer(w.length + LINE_FLOATS);
        this.nativeWeight = lineAligned(nativeWeightMemory);
        nativeWeight.put(w);
        this.panelMemory = new FloatPointer((long) panelWidths(outputs) * inputs * outputs + LINE_FLOATS);
        this.panels = panels(w);
        this.weightRows = new float[inputs][];
        for (int k = 0; k < inputs; k++) {
            weightRows[k] = Arrays.copyOfRange(w, k * outputs, (k + 1) * outputs);
        }
        this.bias = bias == null ? null : Subnormals.negligibleFlushed(bias.data());
        this.biasRows = this.bias == null ? null : new float[InferenceKernel.BLOCK * outputs];
        for (int r = 0; this.bias != null && r < InferenceKernel.BLOCK; r++) {
            System.arraycopy(this.bias, 0, biasRows, r * outputs, outputs);
        }
    }

    /**
     * W's columns as matrices of their own, for every power-of-two width from {@link #PANEL_STEP} below outputs: views
     * into one native block ({@link #panelMemory}), one allocation per layer.
     */
    private FloatPointer[][] panels(float[] w) {
        int widths = panelWidths(outputs);
        FloatPointer lines = lineAligned(panelMemory);
        FloatPointer[][] byWidth = new FloatPointer[widths][];
        for (int i = 0; i < widths; i++) {
            int width = PANEL_STEP << i;
            byWidth[i] = new FloatPointer[(outputs + width - 1) / width];
            for (int p = 0; p < byWidth[i].length; p++) {
                int from = p * width;
                int columns = Math.min(width, outputs - from);
                long at = ((long) i * outputs + from) * inputs;
                for (int k = 0; k < inputs; k++) {
                    lines.position(at + (long) k * columns).put(w, k * outputs + from, columns);
                }
                byWidth[i][p] = lines.position(0).getPointer(at); // a view from the block's start, not its position
            }
        }
        return byWidth;
    }

    /**
     * A view of {@code memory} (allocated with {@link #LINE_FLOATS} floats to spare) from its first cache line on:
     * malloc aligns to 16 bytes, and a matrix whose rows are whole cache lines lets the kernels load 16 floats at a
     * time without straddling two lines (a 100-row Census pass: 0.243-0.248 against 0.194 ms,
     * model-core/BENCHMARKS.md). The view owns nothing: the caller keeps {@code memory}.
     */
    static FloatPointer lineAligned(FloatPointer memory) {
        return memory.getPointer((CACHE_LINE - memory.address() % CACHE_LINE) % CACHE_LINE / Float.BYTES);
    }

    /** How many power-of-two widths from {@link #PANEL_STEP} are below {@code outputs}. */
    private static int panelWidths(int outputs) {
        int widths = 0;
        while (PANEL_STEP << widths < outputs) {
            widths++;
        }
        return widths;
    }

    /**
     * Columns per {@code sgemm} for a block of {@code rows}: all of them where the whole product is small already or
     * where not even {@link #PANEL_STEP} columns would be; else the widest power of two from {@link #PANEL_STEP} whose
     * product is at most {@link #SMALL_PRODUCT}. Powers of two, because at 100 rows of 131 inputs panels of 48 or 40
     * columns took longer than of 64 or 32 (model-core/BENCHMARKS.md).
     */
    static int panelColumns(int rows, int inputs, int outputs) {
        long perColumn = (long) rows * inputs;
        if (perColumn * outputs <= SMALL_PRODUCT || perColumn * PANEL_STEP > SMALL_PRODUCT) {
            return outputs;
        }
        int columns = PANEL_STEP;
        while (perColumn * columns * 2 <= SMALL_PRODUCT) {
            columns *= 2;
        }
        return columns;
    }

    int inputs() {
        return inputs;
    }

    int outputs() {
        return outputs;
    }

    /**
     * The first n rows of x (n x {@link #inputs()}, row-major) into those of y (n x {@link #outputs()}), then ReLU when
     * asked, in the pass's working memory.
     */
    void forward(float[] x, float[] y, int n, boolean relu, LayerWork work) {
        forward(x, y, n, relu, work, SMALL_MATRIX_KERNELS ? panelColumns(n, inputs, outputs) : outputs);
    }

    /**
     * As {@link #forward(float[], float[], int, boolean, LayerWork)}, with {@code panel} columns per sgemm: a power of
     * two from {@link #PANEL_STEP}, or all of them, as {@link #panelColumns} gives (the widths {@link #panels} holds).
     */
    void forward(float[] x, float[] y, int n, boolean relu, LayerWork work, int panel) {
        if (n < BLAS_ROWS) {
            for (int r = 0; r < n; r++) {
                System.arraycopy(x, r * inputs, work.rowIn, 0, inputs);
                forwardRow(work.rowIn, work.rowOut, relu, HARDWARE_FMA);
                System.arraycopy(work.rowOut, 0, y, r * outputs, outputs);
            }
            return;
        }
        work.in.put(x, 0, n * inputs);
        if (panel >= outputs) {
            openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, n, outputs,
                    inputs, 1f, work.in, inputs, nativeWeight, outputs, 0f, work.out, outputs);
        } else {
            if (panel < PANEL_STEP || Integer.bitCount(panel) != 1) {
                throw new IllegalArgumentException("a panel is a power of two from " + PANEL_STEP + " columns, not "
                        + panel);
            }
            FloatPointer[] parts = panels[Integer.numberOfTrailingZeros(panel / PANEL_STEP)];
            for (int p = 0; p < parts.length; p++) {
                int from = p * panel;
                int columns = Math.min(panel, outputs - from);
                // the panel's products go to its columns of the block's rows, a layer's width apart in out
                openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, n, columns,
                        inputs, 1f, work.in, inputs, parts[p], columns, 0f, work.out.position(from), outputs);
            }
        }
        Reference.reachabilityFence(this);
        work.out.position(0).get(y, 0, n * outputs);
        int values = n * outputs;
        if (bias == null) {
            if (relu) {
                for (int i = 0; i < values; i++) {
                    y[i] = Math.max(y[i], 0f);
                }
            }
        } else {
            // y and the bias rows at the same index: the form C2 vectorises (with an offset it stays scalar); a block
            // has at most InferenceKernel.BLOCK rows, as many as the bias rows
            float[] b = biasRows;
            if (relu) {
                for (int i = 0; i < values; i++) {
                    y[i] = Math.max(y[i] + b[i], 0f);
                }
            } else {
                for (int i = 0; i < values; i++) {
                    y[i] = y[i] + b[i];
                }
            }
        }
    }

    /** One row: y = x W (+ b), then ReLU when asked; with {@code fused}, each product is added by {@link Math#fma}. */
    void forwardRow(float[] x, float[] y, boolean relu, boolean fused) {
        int out = outputs;
        if (bias == null) {
            Arrays.fill(y, 0, out, 0f);
        } else {
            System.arraycopy(bias, 0, y, 0, out);
        }
        // the sweeps in a method of their own: inlined here, they slowed the 10-row pass, which never runs them
        // (model-core/BENCHMARKS.md, "The 1-row loop adds by fused multiply-add")
        addProducts(x, y, fused);
        if (relu) {
            for (int j = 0; j < out; j++) {
                y[j] = Math.max(y[j], 0f);
            }
        }
    }

    private void addProducts(float[] x, float[] y, boolean fused) {
        int out = outputs;
        int k = 0;
        for (; k + 3 < inputs; k += 4) {
            float a0 = x[k];
            float a1 = x[k + 1];
            float a2 = x[k + 2];
            float a3 = x[k + 3];
            float[] w0 = weightRows[k];
            float[] w1 = weightRows[k + 1];
            float[] w2 = weightRows[k + 2];
            float[] w3 = weightRows[k + 3];
            if (fused) {
                for (int j = 0; j < out; j++) {
                    y[j] = Math.fma(a3, w3[j], Math.fma(a2, w2[j], Math.fma(a1, w1[j], Math.fma(a0, w0[j], y[j]))));
                }
            } else {
                for (int j = 0; j < out; j++) {
                    y[j] += a0 * w0[j] + a1 * w1[j] + a2 * w2[j] + a3 * w3[j];
                }
            }
        }
        for (; k < inputs; k++) {
            float a = x[k];
            float[] w = weightRows[k];
            if (fused) {
                for (int j = 0; j < out; j++) {
                    y[j] = Math.fma(a, w[j], y[j]);
                }
            } else {
                for (int j = 0; j < out; j++) {
                    y[j] += a * w[j];
                }
            }
        }
    }

    private static boolean hardwareFma() {
        try {
            return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseFMA").getValue());
        } catch (RuntimeException e) { // not HotSpot, or no such option: the plain loop is right everywhere
            return false;
        }
    }
}

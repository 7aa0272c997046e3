package io.mptrec.model.training;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.EncoderPass;
import io.mptrec.model.network.Predictions;
import io.mptrec.model.network.TaskHead;
import io.mptrec.model.nn.NativeFloats;
import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The frozen encoder's input and expert outputs for every training row, computed once: stage 2 then spends its
 * epochs on the head alone. About d_in + (K + 1) x D floats per row (Census: 80k x 515 x 4 bytes, 165 MB; KuaiRand:
 * 160k x 678 x 4 bytes, 430 MB). Above {@link #maxBytes()} (a training split too large to hold them) each batch's
 * pass is computed when it is asked for instead: more arithmetic per step (a forward pass of every expert, which
 * was most of a KuaiRand stage-2 step) and memory that no longer grows with the rows. The numbers agree to float
 * rounding (about 1e-7), not bit for bit: OpenBLAS sums a product in an order that depends on its row count.
 * A head that adapts the experts ({@code Stage2Head#adaptsExperts}) needs their inputs alone: only those are kept.
 */
final class FrozenOutputs implements AutoCloseable {

    /** The most native memory the precomputed outputs may take in a process with a native budget of 768 MB or less. */
    static final long MAX_BYTES = 256L << 20;

    private final Encoder encoder;
    private final EncodedSource source;
    /** null when each batch's pass is computed when asked for */
    private final INDArray inputs;
    private final INDArray shared;
    private final INDArray[] tasks;

    private FrozenOutputs(Encoder encoder, EncodedSource source, INDArray inputs, INDArray shared, INDArray[] tasks) {
        this.encoder = encoder;
        this.source = source;
        this.inputs = inputs;
        this.shared = shared;
        this.tasks = tasks;
    }

    static FrozenOutputs of(Encoder encoder, EncodedSource rows, boolean inputsOnly) {
        return of(encoder, rows, inputsOnly, maxBytes());
    }

    /**
     * The most native memory the precomputed outputs may take: a third of the process's native budget (JavaCPP's
     * {@code maxbytes}, which the {@code mptrec} launcher sets per command: 256 MB for {@code tune}, 2 GB for the
     * benchmark), and at least {@link #MAX_BYTES}. The rest of the budget serves the model, its steps' workspaces and
     * the scoring passes.
     */
    static long maxBytes() {
        return maxBytes(Pointer.maxBytes());
    }

    static long maxBytes(long nativeBudget) {
        return nativeBudget > 0 ? Math.max(MAX_BYTES, nativeBudget / 3) : MAX_BYTES;
    }

    /**
     * @param inputsOnly keep the encoder's inputs, not the experts' outputs
     * @param maxBytes above this size of the precomputed outputs, each batch's pass is computed when asked for
     */
    static FrozenOutputs of(Encoder encoder, EncodedSource rows, boolean inputsOnly, long maxBytes) {
        int n = rows.rows();
        int expertOutput = encoder.config().expertOutput();
        long rowBytes = 4L * (encoder.inputWidth() + (inputsOnly ? 0 : (encoder.tasks() + 1L) * expertOutput));
        if (n == 0 || n * rowBytes > maxBytes) {
            return new FrozenOutputs(encoder, rows, null, null, null);
        }
        // Arrays of their final size, made here, outside any workspace (stacking chunks at the end held everything
        // twice); each chunk's pass runs in the scoring workspace and is copied in, so it leaves no native garbage.
        INDArray inputs = Nd4j.create(DataType.FLOAT, n, encoder.inputWidth());
        INDArray shared = inputsOnly ? null : Nd4j.create(DataType.FLOAT, n, expertOutput);
        INDArray[] tasks = inputsOnly ? null : new INDArray[encoder.tasks()];
        for (int k = 0; tasks != null && k < tasks.length; k++) {
            tasks[k] = Nd4j.create(DataType.FLOAT, n, expertOutput);
        }
        Predictions.inBatches(n, (from, end) -> {
            INDArray x = encoder.input(rows.range(from, end));
            rowsOf(inputs, from, end).assign(x);
            if (!inputsOnly) {
                rowsOf(shared, from, end).assign(encoder.sharedExpert().forward(x).output());
                for (int k = 0; k < tasks.length; k++) {
                    rowsOf(tasks[k], from, end).assign(encoder.taskExpert(k).forward(x).output());
                }
            }
        });
        return new FrozenOutputs(encoder, rows, inputs, shared, tasks);
    }

    /** The native bytes the kept arrays take; 0 when each pass is computed when asked for. */
    long bytes() {
        return held().stream().mapToLong(a -> a.length() * Float.BYTES).sum();
    }

    /**
     * The head's probabilities over every row, batch by batch as {@link Predictions#of} scores them. The outputs were
     * kept over the same batches of rows (both cut them with {@link Predictions#inBatches}), and a batch's pass holds
     * copies of them, so the probabilities are those of the encoder's own pass, bit for bit, without its arithmetic:
     * stage 2 scores its validation split after every epoch.
     */
    float[] predict(TaskHead head) {
        if (inputs == null) {
            return Predictions.of(encoder, List.of(head), source)[0];
        }
        return Predictions.of(List.of(head), source.rows(), this::pass)[0];
    }

    private static INDArray rowsOf(INDArray matrix, int start, int end) {
        return matrix.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
    }

    /**
     * The batch's pass, with its rows (a head may read their category indices). Its arrays are made in the caller's
     * workspace: a training step asks for it inside its own
     * ({@link io.mptrec.model.network.PromptTuningModel#trainStep(java.util.function.Supplier, float[])}).
     */
    EncoderPass pass(int[] positions) {
        return pass(source.select(positions), matrix -> rows(matrix, positions));
    }

    /** As {@link #pass(int[])}, for the rows [from, end): one copy of each kept matrix's block of rows. */
    EncoderPass pass(int from, int end) {
        return pass(source.range(from, end), matrix -> rowsOf(matrix, from, end).dup('c'));
    }

    private EncoderPass pass(EncodedRows batch, UnaryOperator<INDArray> rowsOf) {
        if (inputs == null) {
            return new EncoderPass(encoder, batch);
        }
        INDArray[] taskOutputs = null;
        if (tasks != null) {
            taskOutputs = new INDArray[tasks.length];
            for (int k = 0; k < tasks.length; k++) {
                taskOutputs[k] = rowsOf.apply(tasks[k]);
            }
        }
        return EncoderPass.ofOutputs(encoder, rowsOf.apply(inputs), batch,
                shared == null ? null : rowsOf.apply(shared), taskOutputs);
    }

    /**
     * Frees the precomputed outputs' native memory now (up to {@link #maxBytes()}), not at some later garbage
     * collection; no pass may be asked for afterwards.
     */
    @Override
    public void close() {
        for (INDArray a : held()) {
            if (a.closeable()) {
                a.close();
            }
        }
    }

    /** The precomputed arrays; none when each pass is computed when asked for. */
    List<INDArray> held() {
        List<INDArray> held = new ArrayList<>();
        if (inputs != null) {
            held.add(inputs);
        }
        if (shared != null) {
            held.add(shared);
        }
        if (tasks != null) {
            held.addAll(List.of(tasks));
        }
        return held;
    }

    /**
     * The matrix's rows at {@code positions}, a new array in the caller's workspace: one bulk copy of each row's memory.
     * ND4J's {@code pullRows}, the one native gather it offers, took a sixth of a KuaiRand stage-2 training step in a
     * JFR profile (model-core/BENCHMARKS.md); {@code INDArray.getRows} makes a native call per row. A matrix past a
     * Java buffer's reach (2 GB) still goes to {@code pullRows}. Either way the values are copied, not computed.
     */
    static INDArray rows(INDArray matrix, int[] positions) {
        if (matrix.length() * Float.BYTES > Integer.MAX_VALUE || !NativeFloats.dense(matrix) || matrix.ordering() != 'c') {
            return Nd4j.pullRows(matrix, 1, positions);
        }
        int width = Math.toIntExact(matrix.size(1));
        INDArray batch = Nd4j.createUninitialized(DataType.FLOAT, positions.length, width);
        FloatBuffer from = NativeFloats.of(matrix);
        FloatBuffer to = NativeFloats.of(batch);
        for (int i = 0; i < positions.length; i++) {
            to.put(i * width, from, positions[i] * width, width);
        }
        Reference.reachabilityFence(matrix);
        return batch;
    }
}

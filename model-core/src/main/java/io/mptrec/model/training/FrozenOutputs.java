package io.mptrec.model.training;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.EncoderPass;
import io.mptrec.model.network.Predictions;
import io.mptrec.model.network.TaskHead;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The frozen encoder's input and expert outputs for every row of a split, computed once ({@link KeptRows}): stage 2
 * then spends its epochs on the head alone. About d_in + (K + 1) x D floats per row (Census: 80k x 515 x 4 bytes,
 * 165 MB; KuaiRand: 160k x 678 x 4 bytes, 430 MB). Above the budget ({@link KeptRows#maxBytes()}; a training split too
 * large to hold them) each batch's pass is computed when it is asked for instead: more arithmetic per step (a forward
 * pass of every expert, which was most of a KuaiRand stage-2 step) and memory that no longer grows with the rows. A
 * training batch's numbers then agree to float rounding (about 1e-7), not bit for bit: OpenBLAS sums a product in an
 * order that depends on its row count. A head that adapts the experts ({@code Stage2Head#adaptsExperts}) needs their
 * inputs alone: only those are kept.
 */
final class FrozenOutputs implements AutoCloseable {

    private final Encoder encoder;
    private final boolean inputsOnly;
    private final KeptRows kept;

    private FrozenOutputs(Encoder encoder, boolean inputsOnly, KeptRows kept) {
        this.encoder = encoder;
        this.inputsOnly = inputsOnly;
        this.kept = kept;
    }

    static FrozenOutputs of(Encoder encoder, EncodedSource rows, boolean inputsOnly) {
        return of(encoder, rows, inputsOnly, KeptRows.maxBytes());
    }

    /**
     * @param inputsOnly keep the encoder's inputs, not the experts' outputs
     * @param maxBytes above this size of the precomputed outputs, each batch's pass is computed when asked for
     */
    static FrozenOutputs of(Encoder encoder, EncodedSource rows, boolean inputsOnly, long maxBytes) {
        int[] widths = new int[inputsOnly ? 1 : encoder.tasks() + 2];
        Arrays.fill(widths, encoder.config().expertOutput());
        widths[0] = encoder.inputWidth();
        // the input, then the shared expert's output and each task expert's
        return new FrozenOutputs(encoder, inputsOnly, KeptRows.of(rows, widths, batch -> {
            INDArray x = encoder.input(batch);
            INDArray[] arrays = new INDArray[widths.length];
            arrays[0] = x;
            for (int i = 1; i < arrays.length; i++) {
                arrays[i] = (i == 1 ? encoder.sharedExpert() : encoder.taskExpert(i - 2)).forward(x).output();
            }
            return arrays;
        }, maxBytes));
    }

    /** The native bytes the kept arrays take; 0 when each pass is computed when asked for. */
    long bytes() {
        return kept.bytes();
    }

    /**
     * The head's probabilities over every row, batch by batch as {@link Predictions#of} scores them. The outputs were
     * kept over the same batches of rows, and a batch's pass holds copies of them, so the probabilities are those of
     * the encoder's own pass, bit for bit, without its arithmetic: stage 2 scores its validation split after every
     * epoch.
     */
    float[] predict(TaskHead head) {
        return Predictions.of(List.of(head), kept.source().rows(), this::pass)[0];
    }

    /**
     * The batch's pass, with its rows (a head may read their category indices). Its arrays are made in the caller's
     * workspace: a training step asks for it inside its own
     * ({@link io.mptrec.model.network.PromptTuningModel#trainStep(java.util.function.Supplier, float[])}).
     */
    EncoderPass pass(int[] positions) {
        return pass(kept.source().select(positions), kept.isKept() ? kept.rows(positions) : null);
    }

    /** As {@link #pass(int[])}, for the rows [from, end). */
    EncoderPass pass(int from, int end) {
        return pass(kept.source().range(from, end), kept.isKept() ? kept.range(from, end) : null);
    }

    private EncoderPass pass(EncodedRows batch, INDArray[] arrays) {
        if (arrays == null) {
            return new EncoderPass(encoder, batch);
        }
        if (inputsOnly) {
            return EncoderPass.ofOutputs(encoder, arrays[0], batch, null, null);
        }
        INDArray[] taskOutputs = Arrays.copyOfRange(arrays, 2, arrays.length);
        return EncoderPass.ofOutputs(encoder, arrays[0], batch, arrays[1], taskOutputs);
    }

    /** Frees the precomputed outputs' native memory now, not at some later garbage collection. */
    @Override
    public void close() {
        kept.close();
    }

    /** The precomputed arrays; none when each pass is computed when asked for. */
    List<INDArray> held() {
        return List.of(kept.held());
    }
}

package io.mptrec.model.network;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.nn.Mlp;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder's work for one batch, done lazily: a head asks only for the experts it uses, so scoring a
 * stage-1 task runs two experts, not K + 1.
 */
public final class EncoderPass {

    private final Encoder encoder;
    private final INDArray input;
    private final EncodedRows rows;
    private Mlp.Pass shared;
    private final Mlp.Pass[] tasks;

    /** The pass of encoded rows: heads that read the rows' category indices as well as x can. */
    public EncoderPass(Encoder encoder, EncodedRows rows) {
        this(encoder, encoder.input(rows), rows);
    }

    /** A pass of points in input space with no rows behind them (attributions interpolate x). */
    public EncoderPass(Encoder encoder, INDArray input) {
        this(encoder, input, null);
    }

    private EncoderPass(Encoder encoder, INDArray input, EncodedRows rows) {
        this.encoder = encoder;
        this.input = input;
        this.rows = rows;
        this.tasks = new Mlp.Pass[encoder.tasks()];
    }

    /**
     * A pass whose expert outputs were computed earlier (the encoder is frozen, so stage 2 computes them once
     * per row, not once per epoch). It serves forward passes and parameter gradients, not input gradients. With null
     * outputs (a head that adapts the experts needs only x), the experts run when asked for.
     */
    public static EncoderPass ofOutputs(Encoder encoder, INDArray input, EncodedRows rows, INDArray sharedOutput,
                                        INDArray[] taskOutputs) {
        EncoderPass pass = new EncoderPass(encoder, input, rows);
        if (sharedOutput != null) {
            pass.shared = new Mlp.Pass(input, java.util.List.of(sharedOutput));
            for (int k = 0; k < taskOutputs.length; k++) {
                pass.tasks[k] = new Mlp.Pass(input, java.util.List.of(taskOutputs[k]));
            }
        }
        return pass;
    }

    public Encoder encoder() {
        return encoder;
    }

    public INDArray input() {
        return input;
    }

    /** The rows x encodes, or null for points with no rows behind them. */
    public EncodedRows rows() {
        return rows;
    }

    public Mlp.Pass shared() {
        if (shared == null) {
            shared = encoder.sharedExpert().forward(input);
        }
        return shared;
    }

    public Mlp.Pass task(int k) {
        if (tasks[k] == null) {
            tasks[k] = encoder.taskExpert(k).forward(input);
        }
        return tasks[k];
    }
}

package io.mptrec.model.network;

import io.mptrec.model.nn.FloatVectors;
import io.mptrec.model.nn.StepWorkspace;
import io.mptrec.model.data.EncodedSource;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batched inference: probabilities of several heads over many rows, sharing one encoder pass per batch. Each batch runs
 * in a reused ND4J workspace ({@link StepWorkspace}), as a training step does, so that scoring a split (validation after
 * every epoch, test at the end) leaves no native garbage waiting for a collection; the probabilities leave as Java
 * arrays.
 */
public final class Predictions {

    private static final int BATCH = 4096;
    /** The workspace of a batch's pass, one per thread, apart from the training steps' (it grows to 4,096 rows). */
    private static final String WORKSPACE = "predict";

    private Predictions() {
    }

    /** A pass over the rows [from, end) whose arrays live in the scoring workspace; it leaves results as Java values. */
    @FunctionalInterface
    public interface BatchPass {
        void run(int from, int end);
    }

    /**
     * Runs {@code pass} over {@code rows} rows in batches of 4,096, each in the scoring workspace, so that scoring leaves
     * no native garbage; nothing the pass makes may outlive its batch (results leave as Java values or are copied into
     * arrays made outside).
     */
    public static void inBatches(int rows, BatchPass pass) {
        for (int start = 0; start < rows; start += BATCH) {
            int from = start;
            int end = Math.min(rows, start + BATCH);
            StepWorkspace.run(WORKSPACE, () -> {
                pass.run(from, end);
                return null;
            });
        }
    }

    public static float[][] of(Encoder encoder, List<TaskHead> heads, EncodedSource rows) {
        return of(heads, rows.rows(), (from, end) -> new EncoderPass(encoder, rows.range(from, end)));
    }

    /** The encoder's pass over the rows [from, end), made in the batch's workspace. */
    @FunctionalInterface
    public interface PassOfRows {
        EncoderPass of(int from, int end);
    }

    /**
     * The heads' probabilities over {@code rows} rows, batch by batch as {@link #inBatches} cuts them, each batch's
     * encoder pass given by {@code passOf}: the encoder computed, or its outputs kept from an earlier pass over the
     * same batches.
     */
    public static float[][] of(List<TaskHead> heads, int rows, PassOfRows passOf) {
        float[][] out = new float[heads.size()][rows];
        inBatches(rows, (from, end) -> {
            EncoderPass ep = passOf.of(from, end);
            for (int h = 0; h < heads.size(); h++) {
                INDArray p = Transforms.sigmoid(heads.get(h).forward(ep).logits(), false);
                System.arraycopy(FloatVectors.of(p), 0, out[h], from, end - from);
            }
        });
        return out;
    }
}

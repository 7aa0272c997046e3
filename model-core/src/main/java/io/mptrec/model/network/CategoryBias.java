package io.mptrec.model.network;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.nn.FloatVectors;
import io.mptrec.model.nn.NativeFloats;
import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The wide part of a stage-2 task (Cheng et al., "Wide & Deep Learning for Recommender Systems", 2016): one learned
 * bias per categorical value, in the encoder's stacked vocabulary order, summed over the row's fields and added to the
 * task's logit. It gives the new task what the frozen embeddings cannot: its own per-user, per-item main effects (a
 * frozen 4-value user embedding trained for clicks need not know who opens author profiles). Array {@code wide.w}
 * [sum of vocabulary sizes]; it starts at zero.
 */
final class CategoryBias {

    static final String NAME = "wide.w";

    private final int[] offsets;
    private final INDArray weights;
    private final INDArray gradient;
    private final float[] frozen;

    private CategoryBias(int[] offsets, INDArray weights, INDArray gradient) {
        if (weights.length() != offsets[offsets.length - 1]) {
            throw new IllegalArgumentException(NAME + " has " + weights.length() + " values; the encoder's vocabularies "
                    + offsets[offsets.length - 1]);
        }
        this.offsets = offsets;
        this.weights = weights;
        this.gradient = gradient;
        this.frozen = gradient == null ? FloatVectors.of(weights) : null;
    }

    static CategoryBias trainable(Encoder encoder, INDArray weights, INDArray gradient) {
        return new CategoryBias(encoder.vocabularyOffsets(), weights, gradient);
    }

    static CategoryBias frozen(Encoder encoder, INDArray weights) {
        return new CategoryBias(encoder.vocabularyOffsets(), weights, null);
    }

    /** B x 1: each row's sum of its values' biases, in field order (the serving engine sums in the same order). */
    INDArray forward(EncodedRows rows) {
        // trainable biases are read where they lie: copying the whole table to Java at every step and scoring batch
        // cost more than the lookup (KuaiRand: a table of 26,340 values)
        FloatBuffer trained = frozen != null ? null : NativeFloats.of(weights);
        int fields = rows.categoricalFields();
        float[] sums = new float[rows.rows()];
        for (int r = 0; r < sums.length; r++) {
            float sum = 0f;
            for (int f = 0; f < fields; f++) {
                int at = offsets[f] + rows.categories()[r * fields + f];
                sum += trained == null ? frozen[at] : trained.get(at);
            }
            sums[r] = sum;
        }
        Reference.reachabilityFence(weights);
        return NativeFloats.array(sums, sums.length, 1);
    }

    /** Scatter-adds dL/dlogit into the biases of the values each row holds. */
    void backward(EncodedRows rows, INDArray dLogits) {
        if (gradient == null) {
            return;
        }
        float[] d = FloatVectors.of(dLogits);
        // added into the gradient's memory in row order: it starts each step at zero, so the sums are those of a
        // table-sized Java array added to it
        FloatBuffer g = NativeFloats.of(gradient);
        int fields = rows.categoricalFields();
        for (int r = 0; r < rows.rows(); r++) {
            for (int f = 0; f < fields; f++) {
                int at = offsets[f] + rows.categories()[r * fields + f];
                g.put(at, g.get(at) + d[r]);
            }
        }
    }
}

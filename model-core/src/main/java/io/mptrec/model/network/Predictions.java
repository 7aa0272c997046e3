package io.mptrec.model.network;

import io.mptrec.model.nn.FloatVectors;
import io.mptrec.model.data.EncodedSource;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Batched inference: probabilities of several heads over many rows, sharing one encoder pass per batch. */
public final class Predictions {

    private static final int BATCH = 4096;

    private Predictions() {
    }

    public static float[][] of(Encoder encoder, List<TaskHead> heads, EncodedSource rows) {
        float[][] out = new float[heads.size()][rows.rows()];
        for (int start = 0; start < rows.rows(); start += BATCH) {
            int end = Math.min(rows.rows(), start + BATCH);
            EncoderPass ep = new EncoderPass(encoder, rows.range(start, end));
            for (int h = 0; h < heads.size(); h++) {
                INDArray p = Transforms.sigmoid(heads.get(h).forward(ep).logits(), false);
                System.arraycopy(FloatVectors.of(p), 0, out[h], start, end - start);
            }
        }
        return out;
    }
}

package io.mptrec.model.network;

import io.mptrec.model.nn.DataParallel;
import io.mptrec.model.nn.FloatVectors;
import io.mptrec.model.data.EncodedSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Batched inference: probabilities of several heads over many rows, sharing one encoder pass per batch. */
public final class Predictions {

    private static final int BATCH = 4096;

    private Predictions() {
    }

    public static float[][] of(Encoder encoder, List<TaskHead> heads, EncodedSource rows) {
        return of(encoder, heads, rows, 1);
    }

    /**
     * The same, with the batches shared among {@code threads} threads (batch b on thread b mod threads). Each batch is
     * computed as on one thread, so the probabilities are bit-identical whatever the thread count.
     */
    public static float[][] of(Encoder encoder, List<TaskHead> heads, EncodedSource rows, int threads) {
        float[][] out = new float[heads.size()][rows.rows()];
        int batches = (rows.rows() + BATCH - 1) / BATCH;
        int stride = Math.max(1, Math.min(threads, batches));
        List<Supplier<Void>> parts = new ArrayList<>();
        for (int t = 0; t < stride; t++) {
            int first = t;
            parts.add(() -> {
                for (int b = first; b < batches; b += stride) {
                    predictBatch(encoder, heads, rows, b * BATCH, Math.min(rows.rows(), (b + 1) * BATCH), out);
                }
                return null;
            });
        }
        DataParallel.run(parts);
        return out;
    }

    private static void predictBatch(Encoder encoder, List<TaskHead> heads, EncodedSource rows, int start, int end,
                                     float[][] out) {
        EncoderPass ep = new EncoderPass(encoder, rows.range(start, end));
        for (int h = 0; h < heads.size(); h++) {
            INDArray p = Transforms.sigmoid(heads.get(h).forward(ep).logits(), false);
            System.arraycopy(FloatVectors.of(p), 0, out[h], start, end - start);
        }
    }
}

package io.mptrec.model.network;

import io.mptrec.model.data.EncodedRows;

/** Row selections of encoded data: mini-batches and inference chunks. */
public final class Batches {

    private Batches() {
    }

    public static EncodedRows range(EncodedRows all, int start, int end) {
        return all.range(start, end);
    }

    public static EncodedRows select(EncodedRows all, int[] positions) {
        return all.select(positions);
    }

    public static float[] select(float[] values, int[] positions) {
        float[] out = new float[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = values[positions[i]];
        }
        return out;
    }
}

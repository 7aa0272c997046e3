package io.mptrec.model.network;

import io.mptrec.model.data.EncodedRows;

/** Row selections of encoded data: mini-batches and inference chunks. */
public final class Batches {

    private Batches() {
    }

    public static EncodedRows range(EncodedRows all, int start, int end) {
        int[] positions = new int[end - start];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = start + i;
        }
        return select(all, positions);
    }

    public static EncodedRows select(EncodedRows all, int[] positions) {
        int n = all.numericFields();
        int c = all.categoricalFields();
        float[] numeric = new float[positions.length * n];
        int[] categories = new int[positions.length * c];
        for (int i = 0; i < positions.length; i++) {
            System.arraycopy(all.numeric(), positions[i] * n, numeric, i * n, n);
            System.arraycopy(all.categories(), positions[i] * c, categories, i * c, c);
        }
        return new EncodedRows(positions.length, n, c, numeric, categories);
    }

    public static float[] select(float[] values, int[] positions) {
        float[] out = new float[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = values[positions[i]];
        }
        return out;
    }
}

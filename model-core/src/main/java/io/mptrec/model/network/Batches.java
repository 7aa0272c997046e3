package io.mptrec.model.network;

/**
 * Row selections of per-row values (labels) for mini-batches; encoded rows select their own
 * ({@link io.mptrec.model.data.EncodedSource}).
 */
public final class Batches {

    private Batches() {
    }

    public static float[] select(float[] values, int[] positions) {
        float[] out = new float[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = values[positions[i]];
        }
        return out;
    }

    /** Each task's labels at the batch's rows. */
    public static float[][] select(float[][] perTask, int[] positions) {
        float[][] out = new float[perTask.length][];
        for (int k = 0; k < perTask.length; k++) {
            out[k] = select(perTask[k], positions);
        }
        return out;
    }
}

package io.mptrec.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Java copies of arrays of any rank, in C order. */
public final class FloatVectors {

    private FloatVectors() {
    }

    public static float[] of(INDArray array) {
        return array.reshape('c', new long[] {array.length()}).toFloatVector();
    }
}

package io.mptrec.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Java copies of arrays of any rank, in C order. */
public final class FloatVectors {

    private FloatVectors() {
    }

    public static float[] of(INDArray array) {
        if (NativeFloats.dense(array) && (array.ordering() == 'c' || array.isVector())) {
            // one bulk copy; toFloatVector reads the values one at a time through the data buffer
            float[] values = new float[Math.toIntExact(array.length())];
            NativeFloats.of(array).get(0, values);
            return values;
        }
        return array.reshape('c', new long[] {array.length()}).toFloatVector();
    }
}

package io.mptrec.model.artifact;

import java.util.Arrays;

/** A dense float32 array in C order with its shape: the unit every artifact stores. */
public record FloatArray(int[] shape, float[] data) {

    public FloatArray {
        long count = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        if (count != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
        }
    }

    public static FloatArray vector(float[] data) {
        return new FloatArray(new int[] {data.length}, data);
    }

    public static FloatArray matrix(int rows, int columns, float[] data) {
        return new FloatArray(new int[] {rows, columns}, data);
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** Index of the first non-finite value, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatArray other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatArray" + Arrays.toString(shape);
    }
}

package io.mptrec.model.data;

/**
 * Rows ready for the network.
 *
 * @param numeric    rows * numericFields scaled values, row-major
 * @param categories rows * categoricalFields vocabulary indices, row-major
 */
public record EncodedRows(int rows, int numericFields, int categoricalFields, float[] numeric, int[] categories)
        implements EncodedSource {

    public EncodedRows {
        if (numeric.length != rows * numericFields || categories.length != rows * categoricalFields) {
            throw new IllegalArgumentException("array lengths do not match " + rows + " rows");
        }
    }

    @Override
    public EncodedRows range(int start, int end) {
        int[] positions = new int[end - start];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = start + i;
        }
        return select(positions);
    }

    @Override
    public EncodedRows select(int[] positions) {
        float[] x = new float[positions.length * numericFields];
        int[] c = new int[positions.length * categoricalFields];
        for (int i = 0; i < positions.length; i++) {
            System.arraycopy(numeric, positions[i] * numericFields, x, i * numericFields, numericFields);
            System.arraycopy(categories, positions[i] * categoricalFields, c, i * categoricalFields, categoricalFields);
        }
        return new EncodedRows(positions.length, numericFields, categoricalFields, x, c);
    }
}

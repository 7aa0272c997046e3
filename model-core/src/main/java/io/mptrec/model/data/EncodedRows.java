package io.mptrec.model.data;

/**
 * Rows ready for the network.
 *
 * @param numeric    rows * numericFields scaled values, row-major
 * @param categories rows * categoricalFields vocabulary indices, row-major
 */
public record EncodedRows(int rows, int numericFields, int categoricalFields, float[] numeric, int[] categories) {

    public EncodedRows {
        if (numeric.length != rows * numericFields || categories.length != rows * categoricalFields) {
            throw new IllegalArgumentException("array lengths do not match " + rows + " rows");
        }
    }
}

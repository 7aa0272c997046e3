package io.mptrec.model.nn;

import io.mptrec.model.data.EncodedRows;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network input x = [scaled numeric fields, embedding of each categorical field] over one table that
 * stacks every field's vocabulary (row 0 of each field: unseen or missing). Trainable (a view into
 * {@link Parameters}, whose gradient the backward pass scatter-adds into) or frozen (a plain array, of which
 * a Java copy is kept so the lookup needs no native call).
 */
public final class EmbeddingLookup {

    private final int numericFields;
    private final int dimension;
    private final int[] fieldOffsets;
    private final INDArray table;
    private final INDArray gradient;
    private final float[] frozenTable;

    private EmbeddingLookup(int numericFields, int[] vocabularySizes, int dimension, INDArray table, INDArray gradient) {
        this.numericFields = numericFields;
        this.dimension = dimension;
        this.fieldOffsets = new int[vocabularySizes.length + 1];
        for (int f = 0; f < vocabularySizes.length; f++) {
            fieldOffsets[f + 1] = fieldOffsets[f] + vocabularySizes[f];
        }
        if (table.size(0) != fieldOffsets[vocabularySizes.length] || table.size(1) != dimension) {
            throw new IllegalArgumentException("embedding table has shape " + Arrays.toString(table.shape())
                    + ", expected [" + fieldOffsets[vocabularySizes.length] + ", " + dimension + "]");
        }
        this.table = table;
        this.gradient = gradient;
        this.frozenTable = gradient == null ? FloatVectors.of(table) : null;
    }

    public static EmbeddingLookup trainable(int numericFields, int[] vocabularySizes, Parameters.Parameter table) {
        return new EmbeddingLookup(numericFields, vocabularySizes, table.shape()[1], table.value(), table.gradient());
    }

    public static EmbeddingLookup frozen(int numericFields, int[] vocabularySizes, int dimension, INDArray table) {
        return new EmbeddingLookup(numericFields, vocabularySizes, dimension, table, null);
    }

    /** A frozen lookup over a copy of the current table: later training of this one does not reach it. */
    public EmbeddingLookup frozenCopy() {
        int[] sizes = new int[categoricalFields()];
        for (int f = 0; f < sizes.length; f++) {
            sizes[f] = fieldOffsets[f + 1] - fieldOffsets[f];
        }
        return new EmbeddingLookup(numericFields, sizes, dimension, table.dup(), null);
    }

    /** Where each field's block starts in the stacked table, and (last) the table's row count. */
    public int[] rowOffsets() {
        return fieldOffsets.clone();
    }

    /** Rows of the stacked table: the sum of the vocabulary sizes. */
    public static int totalVocabulary(int[] vocabularySizes) {
        return Arrays.stream(vocabularySizes).sum();
    }

    public static int inputWidth(int numericFields, int categoricalFields, int dimension) {
        return numericFields + categoricalFields * dimension;
    }

    public int inputWidth() {
        return inputWidth(numericFields, categoricalFields(), dimension);
    }

    public int numericFields() {
        return numericFields;
    }

    public int categoricalFields() {
        return fieldOffsets.length - 1;
    }

    public int dimension() {
        return dimension;
    }

    public INDArray table() {
        return table;
    }

    public INDArray forward(EncodedRows rows) {
        int fields = categoricalFields();
        if (rows.numericFields() != numericFields || rows.categoricalFields() != fields) {
            throw new IllegalArgumentException("rows have " + rows.numericFields() + " numeric and " + rows.categoricalFields()
                    + " categorical fields; the encoder expects " + numericFields + " and " + fields);
        }
        // a trainable table is read row by row from its native memory: copying all of it each step cost more than
        // the lookup
        FloatBuffer trained = frozenTable != null ? null : NativeFloats.of(table);
        int width = inputWidth();
        float[] x = new float[rows.rows() * width];
        for (int r = 0; r < rows.rows(); r++) {
            System.arraycopy(rows.numeric(), r * numericFields, x, r * width, numericFields);
            for (int f = 0; f < fields; f++) {
                int index = rows.categories()[r * fields + f];
                int size = fieldOffsets[f + 1] - fieldOffsets[f];
                if (index < 0 || index >= size) {
                    throw new IllegalArgumentException("category index " + index + " out of range for field " + f);
                }
                int from = (fieldOffsets[f] + index) * dimension;
                int to = r * width + numericFields + f * dimension;
                if (trained == null) {
                    System.arraycopy(frozenTable, from, x, to, dimension);
                } else {
                    trained.get(from, x, to, dimension);
                }
            }
        }
        return NativeFloats.array(x, rows.rows(), width);
    }

    /** Scatter-adds dL/dx's embedding part into the table's gradient; nothing when frozen. */
    public void backward(EncodedRows rows, INDArray dx) {
        if (gradient == null) {
            return;
        }
        int fields = categoricalFields();
        int width = inputWidth();
        float[] d = FloatVectors.of(dx);
        // added into the gradient's memory where the rows' values are, in row order: the gradient starts each step at
        // zero, so the sums are those of a table-sized Java array added to it, without making and adding one
        FloatBuffer g = NativeFloats.of(gradient);
        for (int r = 0; r < rows.rows(); r++) {
            for (int f = 0; f < fields; f++) {
                int row = fieldOffsets[f] + rows.categories()[r * fields + f];
                int from = r * width + numericFields + f * dimension;
                for (int j = 0; j < dimension; j++) {
                    int at = row * dimension + j;
                    g.put(at, g.get(at) + d[from + j]);
                }
            }
        }
    }

    /** Start and end (exclusive) of categorical field f's columns in x. */
    public int[] fieldColumns(int f) {
        int start = numericFields + f * dimension;
        return new int[] {start, start + dimension};
    }
}

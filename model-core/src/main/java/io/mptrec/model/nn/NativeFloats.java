package io.mptrec.model.nn;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native memory of a dense ND4J float array as a Java buffer, for element-wise loops in Java: ND4J's operations
 * cost tens of microseconds each whatever their size, which at a training step's sizes is more than the arithmetic
 * (model-core/BENCHMARKS.md). A loop copies a chunk at a time into heap arrays, which the JIT vectorises, where it
 * would not vectorise reads of the buffer itself. The caller keeps the array reachable while it uses the buffer.
 */
public final class NativeFloats {

    /** Values per chunk of a loop: a few chunks fit in a core's L1 cache. */
    public static final int CHUNK = 1024;

    private NativeFloats() {
    }

    /** Whether the array's values lie one after another (in its own order, c or f) as 32-bit floats. */
    public static boolean dense(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1;
    }

    /** The array's values in its own order; throws for an array that is not {@link #dense}. */
    public static FloatBuffer of(INDArray a) {
        return memory(a).asFloatBuffer();
    }

    /**
     * The bytes of a dense array's values. A view's data buffer gives the memory of the whole array it views
     * (ND4J 1.0.0-M2.1: a parameter's view into the flat buffer, a matrix's row), so the view's offset is skipped here.
     */
    private static ByteBuffer memory(INDArray a) {
        ByteBuffer bytes = requireDense(a).data().asNio().order(ByteOrder.nativeOrder());
        int from = Math.toIntExact(a.offset() * Float.BYTES);
        return bytes.position(from).slice().order(ByteOrder.nativeOrder())
                .limit(Math.toIntExact(a.length() * Float.BYTES));
    }

    /** The array, when it is {@link #dense}; else an IllegalArgumentException. */
    static INDArray requireDense(INDArray a) {
        if (!dense(a)) {
            throw new IllegalArgumentException("expected a dense float array, was " + a.shapeInfoToString());
        }
        return a;
    }

    /**
     * A row-major float array of {@code shape} holding {@code values}: a matrix the running step's own
     * ({@link StepWorkspace#uninitialized}), else a new array, in the current workspace if one is open (as
     * {@code Nd4j.create} would make it). One bulk copy: ND4J 1.0.0-M2.1's {@code Nd4j.create(float[], ...)} writes the
     * values one at a time through its data buffer: about a tenth of the main thread's samples in a profile of the
     * benchmark command (model-core/BENCHMARKS.md).
     */
    public static INDArray array(float[] values, long... shape) {
        INDArray a = shape.length == 2 ? StepWorkspace.uninitialized(shape[0], shape[1])
                : Nd4j.createUninitialized(DataType.FLOAT, shape);
        if (a.length() != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + java.util.Arrays.toString(shape));
        }
        of(a).put(0, values);
        return a;
    }

    /**
     * {@code m} times the row vector {@code row}, column j by {@code row}'s value j: ND4J's {@code mulRowVector}, the
     * same products, into a matrix of the running step's ({@link StepWorkspace#uninitialized}); ND4J's operation made
     * and registered four arrays each time. A matrix that is not dense and row-major goes to ND4J's.
     */
    public static INDArray timesRow(INDArray m, INDArray row) {
        if (m.rank() != 2 || !dense(m) || m.ordering() != 'c' || !dense(row) || row.length() != m.columns()) {
            return m.mulRowVector(row);
        }
        int rows = (int) m.rows();
        int columns = (int) m.columns();
        float[] factors = new float[columns];
        of(row).get(0, factors, 0, columns);
        INDArray product = StepWorkspace.uninitialized(rows, columns);
        FloatBuffer from = of(m);
        FloatBuffer to = of(product);
        float[] values = new float[columns];
        for (int r = 0; r < rows; r++) {
            from.get(r * columns, values, 0, columns);
            for (int j = 0; j < columns; j++) {
                values[j] *= factors[j];
            }
            to.put(r * columns, values, 0, columns);
        }
        Reference.reachabilityFence(m);
        Reference.reachabilityFence(row);
        return product;
    }

    /** The work on row r of one or two matrices, given as heap copies of the rows, which it may change. */
    public interface RowKernel {
        void row(int r, float[] first, float[] second);
    }

    /**
     * Runs {@code kernel} on each row of {@code first} with the same row of {@code second} (a matrix of the same shape,
     * or null), and returns a matrix of the running step's ({@link StepWorkspace#uninitialized}) holding
     * {@code first}'s rows as the kernel left them; the inputs are not written. The loops of the passes that work row by
     * row.
     */
    public static INDArray mapRows(INDArray first, INDArray second, RowKernel kernel) {
        return eachRow(first, second, kernel, true);
    }

    /** As {@link #mapRows}, for a kernel that keeps what it computes itself: no matrix is made. */
    public static void forEachRow(INDArray first, INDArray second, RowKernel kernel) {
        eachRow(first, second, kernel, false);
    }

    private static INDArray eachRow(INDArray first, INDArray second, RowKernel kernel, boolean keep) {
        if (first.rank() != 2 || second != null && !java.util.Arrays.equals(first.shape(), second.shape())) {
            throw new IllegalArgumentException("rows of " + first.shapeInfoToString()
                    + (second == null ? "" : " and " + second.shapeInfoToString()) + ": not matrices of one shape");
        }
        INDArray a = rowMajor(first);
        INDArray b = second == null ? null : rowMajor(second);
        int rows = (int) a.rows();
        int width = (int) a.columns();
        INDArray out = keep ? StepWorkspace.uninitialized(rows, width) : null;
        FloatBuffer as = of(a);
        FloatBuffer bs = b == null ? null : of(b);
        FloatBuffer outs = out == null ? null : of(out);
        float[] aRow = new float[width];
        float[] bRow = b == null ? null : new float[width];
        for (int r = 0; r < rows; r++) {
            as.get(r * width, aRow, 0, width);
            if (bs != null) {
                bs.get(r * width, bRow, 0, width);
            }
            kernel.row(r, aRow, bRow);
            if (outs != null) {
                outs.put(r * width, aRow, 0, width);
            }
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(b);
        Reference.reachabilityFence(out);
        return out;
    }

    /**
     * {@code target += addend} value by value, in Java: ND4J's {@code addi} registered an operation context with its
     * deallocator at every call. Arrays that are not both dense in the same order and shape go to ND4J's.
     */
    public static INDArray addi(INDArray target, INDArray addend) {
        if (!dense(target) || !dense(addend) || target.ordering() != addend.ordering()
                || !java.util.Arrays.equals(target.shape(), addend.shape())) {
            return target.addi(addend);
        }
        FloatBuffer to = of(target);
        FloatBuffer from = of(addend);
        float[] sums = new float[CHUNK];
        float[] values = new float[CHUNK];
        int length = Math.toIntExact(target.length());
        for (int at = 0; at < length; at += CHUNK) {
            int n = Math.min(CHUNK, length - at);
            to.get(at, sums, 0, n);
            from.get(at, values, 0, n);
            for (int i = 0; i < n; i++) {
                sums[i] += values[i];
            }
            to.put(at, sums, 0, n);
        }
        Reference.reachabilityFence(target);
        Reference.reachabilityFence(addend);
        return target;
    }

    /**
     * Adds to the row vector {@code target} the column sums of {@code a} times {@code b} value by value: ND4J's
     * {@code target.addi(a.mul(b).sum(true, 0))} in the same order (each product rounded, each column summed from 0
     * row after row, then added), which made and registered ten arrays a call. {@code a} and {@code b} are matrices of
     * one shape; {@code target} is dense with one value per column.
     */
    public static void addColumnSumsOfProducts(INDArray a, INDArray b, INDArray target) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("column sums of " + a.shapeInfoToString() + " times "
                    + b.shapeInfoToString());
        }
        addColumnSums(a, b, target);
    }

    /** As {@link #addColumnSumsOfProducts} of {@code m} alone: ND4J's {@code target.addi(m.sum(true, 0))}. */
    public static void addColumnSums(INDArray m, INDArray target) {
        addColumnSums(m, null, target);
    }

    private static void addColumnSums(INDArray a, INDArray b, INDArray target) {
        if (a.rank() != 2 || target.length() != a.columns()) {
            throw new IllegalArgumentException("column sums of " + a.shapeInfoToString() + " into "
                    + target.shapeInfoToString());
        }
        int columns = (int) a.columns();
        float[] sums = new float[columns];
        forEachRow(a, b, (r, aRow, bRow) -> {
            for (int j = 0; j < columns; j++) {
                sums[j] += bRow == null ? aRow[j] : aRow[j] * bRow[j];
            }
        });
        FloatBuffer to = of(target);
        float[] values = new float[columns];
        to.get(0, values, 0, columns);
        for (int j = 0; j < columns; j++) {
            values[j] += sums[j];
        }
        to.put(0, values, 0, columns);
        Reference.reachabilityFence(target);
    }

    /** Every value of a dense array divided by {@code divisor} as a float, in place: ND4J's {@code divi(divisor)}. */
    public static INDArray divi(INDArray a, double divisor) {
        float by = (float) divisor;
        FloatBuffer values = of(a);
        float[] chunk = new float[CHUNK];
        int length = Math.toIntExact(a.length());
        for (int from = 0; from < length; from += CHUNK) {
            int n = Math.min(CHUNK, length - from);
            values.get(from, chunk, 0, n);
            for (int i = 0; i < n; i++) {
                chunk[i] = chunk[i] / by;
            }
            values.put(from, chunk, 0, n);
        }
        Reference.reachabilityFence(a);
        return a;
    }

    /**
     * The rows of {@code top} then those of {@code bottom} (of one width), copied into a matrix of the running step's:
     * ND4J's {@code vstack}, which made, registered and ran an operation.
     */
    public static INDArray stackRows(INDArray top, INDArray bottom) {
        INDArray upper = rowMajor(top);
        INDArray lower = rowMajor(bottom);
        if (upper.columns() != lower.columns()) {
            throw new IllegalArgumentException("cannot stack " + top.shapeInfoToString() + " on "
                    + bottom.shapeInfoToString());
        }
        int upperValues = Math.toIntExact(upper.length());
        float[] values = new float[Math.toIntExact(upperValues + lower.length())];
        of(upper).get(0, values, 0, upperValues);
        of(lower).get(0, values, upperValues, values.length - upperValues);
        Reference.reachabilityFence(upper);
        Reference.reachabilityFence(lower);
        return array(values, upper.rows() + lower.rows(), upper.columns());
    }

    /**
     * The weighted sum of {@code parts} (matrices of one shape) row by row, weight k of row r in {@code weights}'s
     * column k, into a matrix of the running step's: ND4J's {@code sum.addi(part.mulColumnVector(weights column k))}
     * for k = 0, 1, ... in the same order, the sum starting as zeros ({@code fromZero}) or as the first product (the
     * two differ only in the sign of a zero).
     */
    public static INDArray weightedSum(INDArray[] parts, INDArray weights, boolean fromZero) {
        int rows = (int) parts[0].rows();
        int width = (int) parts[0].columns();
        int count = parts.length;
        if (weights.rows() != rows || weights.columns() < count) {
            throw new IllegalArgumentException(count + " parts of " + parts[0].shapeInfoToString()
                    + " weighed by " + weights.shapeInfoToString());
        }
        INDArray w = rowMajor(weights);
        int weightColumns = (int) w.columns();
        float[] rowWeights = new float[weightColumns];
        INDArray[] dense = new INDArray[count];
        FloatBuffer[] sources = new FloatBuffer[count];
        for (int k = 0; k < count; k++) {
            if (!java.util.Arrays.equals(parts[k].shape(), parts[0].shape())) {
                throw new IllegalArgumentException("part " + k + " is " + parts[k].shapeInfoToString());
            }
            dense[k] = rowMajor(parts[k]);
            sources[k] = of(dense[k]);
        }
        INDArray sum = StepWorkspace.uninitialized(rows, width);
        FloatBuffer weightValues = of(w);
        FloatBuffer out = of(sum);
        float[] accumulated = new float[width];
        float[] part = new float[width];
        for (int r = 0; r < rows; r++) {
            weightValues.get(r * weightColumns, rowWeights, 0, weightColumns);
            for (int k = 0; k < count; k++) {
                sources[k].get(r * width, part, 0, width);
                float weight = rowWeights[k];
                if (k == 0 && !fromZero) {
                    for (int j = 0; j < width; j++) {
                        accumulated[j] = part[j] * weight;
                    }
                    continue;
                }
                if (k == 0) {
                    java.util.Arrays.fill(accumulated, 0f);
                }
                for (int j = 0; j < width; j++) {
                    accumulated[j] += part[j] * weight;
                }
            }
            out.put(r * width, accumulated, 0, width);
        }
        Reference.reachabilityFence(w);
        Reference.reachabilityFence(dense);
        return sum;
    }

    /**
     * {@code m} times column j of {@code weights}, row r by weight r, into a matrix of the running step's: ND4J's
     * {@code m.mulColumnVector(weights column j)}.
     */
    public static INDArray timesColumn(INDArray m, INDArray weights, int j) {
        if (weights.rows() != m.rows()) {
            throw new IllegalArgumentException(m.shapeInfoToString() + " times a column of "
                    + weights.shapeInfoToString());
        }
        float[] factors = columnValues(weights, j);
        return mapRows(m, null, (r, row, none) -> {
            for (int c = 0; c < row.length; c++) {
                row[c] *= factors[r];
            }
        });
    }

    /** A copy of a matrix, in a matrix of the running step's: ND4J's {@code dup()}. */
    public static INDArray copy(INDArray m) {
        INDArray dense = rowMajor(m);
        float[] values = new float[Math.toIntExact(dense.length())];
        of(dense).get(0, values);
        Reference.reachabilityFence(dense);
        return array(values, m.rows(), m.columns());
    }

    /**
     * Each row's dot product of {@code a} and {@code b} (matrices of one shape), summed from 0 along the row, into
     * column {@code column} of the dense row-major matrix {@code target}: ND4J's
     * {@code target column.assign(a.mul(b).sum(true, 1))}.
     */
    public static void rowDotsInto(INDArray a, INDArray b, INDArray target, int column) {
        if (target.rows() != a.rows() || column >= target.columns() || !dense(target) || target.ordering() != 'c') {
            throw new IllegalArgumentException("row dots of " + a.shapeInfoToString() + " into column " + column
                    + " of " + target.shapeInfoToString());
        }
        int targetColumns = (int) target.columns();
        FloatBuffer to = of(target);
        forEachRow(a, b, (r, aRow, bRow) -> {
            float dot = 0f;
            for (int j = 0; j < aRow.length; j++) {
                dot += aRow[j] * bRow[j];
            }
            to.put(r * targetColumns + column, dot);
        });
        Reference.reachabilityFence(target);
    }

    /** Column j of a matrix as a rows x 1 matrix of the running step's (a copy). */
    public static INDArray column(INDArray m, int j) {
        return array(columnValues(m, j), m.rows(), 1);
    }

    private static float[] columnValues(INDArray m, int j) {
        if (m.rank() != 2 || j < 0 || j >= m.columns()) {
            throw new IllegalArgumentException("no column " + j + " in " + m.shapeInfoToString());
        }
        INDArray dense = rowMajor(m);
        int columns = (int) m.columns();
        float[] values = new float[(int) m.rows()];
        FloatBuffer from = of(dense);
        for (int r = 0; r < values.length; r++) {
            values[r] = from.get(r * columns + j);
        }
        Reference.reachabilityFence(dense);
        return values;
    }

    private static final float[] ZEROS = new float[CHUNK];

    /**
     * Sets every value of a {@link #dense} array to +0, from Java, and returns the array: ND4J's {@code assign(0)}
     * makes and registers a scalar array for the value at every call.
     */
    public static INDArray zero(INDArray a) {
        FloatBuffer values = of(a);
        int length = Math.toIntExact(a.length());
        for (int from = 0; from < length; from += CHUNK) {
            values.put(from, ZEROS, 0, Math.min(CHUNK, length - from));
        }
        Reference.reachabilityFence(a);
        return a;
    }

    /** The array itself when it is a dense row-major (c-order) float array, else a row-major copy of it. */
    public static INDArray rowMajor(INDArray a) {
        return dense(a) && a.ordering() == 'c' ? a : a.dup('c');
    }

    /** The array's values as their IEEE 754 bits, for loops that select values without a branch. */
    static IntBuffer bits(INDArray a) {
        return memory(a).asIntBuffer();
    }
}

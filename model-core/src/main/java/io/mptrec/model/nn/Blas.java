package io.mptrec.model.nn;

import java.lang.ref.Reference;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The matrix products of {@link Dense} and the attention's ({@link #product}), handed to OpenBLAS directly on the
 * arrays' native memory. ND4J's own {@code mmul} and {@code Nd4j.gemm} build an operation around every product (shape
 * checks, an op context, for {@code mmul} a copy of the result), which costs more than the product itself at a
 * training step's shapes: at 256 x 32 x 1 the op took 27 microseconds and sgemm 0.4, at 256 x 131 x 256 {@code mmul}
 * 654 and sgemm 89 (model-core/BENCHMARKS.md). A float matrix whose rows or columns are contiguous (any ND4J matrix, a
 * view of a block of columns included) goes to sgemm as it lies; anything else is copied first.
 */
public final class Blas {

    /** A column of ones per thread, for bias broadcasts and sums as products; grown to the largest batch seen. */
    private static final ThreadLocal<FloatPointer> ONES = ThreadLocal.withInitial(() -> newOnes(256));

    private Blas() {
    }

    /**
     * op(a) op(b), where op transposes when asked, into a matrix of the running step's
     * ({@link StepWorkspace#uninitialized}): ND4J's {@code mmul} (the same sgemm, the same values) without its
     * operation, its context and its result's copy.
     */
    public static INDArray product(INDArray a, boolean transposeA, INDArray b, boolean transposeB) {
        INDArray c = StepWorkspace.uninitialized(transposeA ? a.columns() : a.rows(),
                transposeB ? b.rows() : b.columns());
        gemm(a, transposeA, b, transposeB, c, 0f);
        return c;
    }

    /**
     * c = op(a) op(b) + beta c, where op transposes when asked; c must be row-major with contiguous rows (a view of a
     * block of columns too).
     */
    public static void gemm(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c, float beta) {
        Operand x = Operand.of(a, transposeA);
        Operand y = Operand.of(b, transposeB);
        Operand z = Operand.of(c, false);
        if (z.transposed) {
            throw new IllegalArgumentException("the product's target must have contiguous rows, was " + c.shapeInfoToString());
        }
        int m = (int) c.rows();
        int n = (int) c.columns();
        int k = (int) (transposeA ? a.rows() : a.columns());
        if ((transposeA ? a.columns() : a.rows()) != m || (transposeB ? b.columns() : b.rows()) != k
                || (transposeB ? b.rows() : b.columns()) != n) {
            throw new IllegalArgumentException("cannot multiply " + a.shapeInfoToString() + (transposeA ? "^T" : "")
                    + " by " + b.shapeInfoToString() + (transposeB ? "^T" : "") + " into " + c.shapeInfoToString());
        }
        openblas.cblas_sgemm(openblas.CblasRowMajor, x.flag(), y.flag(), m, n, k, 1f, x.pointer, x.leading,
                y.pointer, y.leading, beta, z.pointer, z.leading);
        Operand.keepUntilHere(x, y, z);
    }

    /** Every row of y (m x n, contiguous rows) set to the row vector bias (1 x n): a product with a column of ones. */
    public static void setRows(INDArray y, INDArray bias) {
        int m = (int) y.rows();
        int n = (int) y.columns();
        Operand b = Operand.of(row(bias, n), false);
        Operand z = Operand.of(y, false);
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, b.flag(), m, n, 1, 1f, onesFor(m), 1,
                b.pointer, b.leading, 0f, z.pointer, z.leading);
        Operand.keepUntilHere(b, z);
    }

    /** sums (1 x n, contiguous) += the column sums of dy (m x n): the product of dy's transpose with ones. */
    static void addColumnSums(INDArray dy, INDArray sums) {
        int m = (int) dy.rows();
        int n = (int) dy.columns();
        Operand d = Operand.of(dy, false);
        Operand s = Operand.of(row(sums, n), false);
        // sums = dy^T ones: dy as stored is m x n (read transposed) or, column-major, n x m (read as it lies)
        openblas.cblas_sgemv(openblas.CblasRowMajor, d.transposed ? openblas.CblasNoTrans : openblas.CblasTrans,
                d.transposed ? n : m, d.transposed ? m : n, 1f, d.pointer, d.leading, onesFor(m), 1, 1f, s.pointer,
                s.transposed ? s.leading : 1);
        Operand.keepUntilHere(d, s);
    }

    /**
     * The array as a 1 x n row: itself when it is one already (the layers keep their biases so), else a view. ND4J makes
     * a new view even for the shape an array has, and registers it with its deallocator.
     */
    private static INDArray row(INDArray a, int n) {
        return a.rank() == 2 && a.rows() == 1 && a.columns() == n ? a : a.reshape(1, n);
    }

    /** The sum of the squares of a dense float array's values, accumulated in double (BLAS's dsdot). */
    static double sumOfSquares(INDArray a) {
        FloatPointer p = dense(a);
        double sum = openblas.cblas_dsdot((int) a.length(), p, 1, p, 1);
        Reference.reachabilityFence(a);
        return sum;
    }

    /** y += alpha x, over two dense float arrays of one length. */
    static void axpy(float alpha, INDArray x, INDArray y) {
        if (x.length() != y.length()) {
            throw new IllegalArgumentException("axpy over " + x.length() + " and " + y.length() + " values");
        }
        openblas.cblas_saxpy((int) x.length(), alpha, dense(x), 1, dense(y), 1);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(y);
    }

    private static FloatPointer dense(INDArray a) {
        return new FloatPointer(NativeFloats.requireDense(a).data().addressPointer());
    }

    private static FloatPointer onesFor(int rows) {
        FloatPointer ones = ONES.get();
        if (ones.capacity() < rows) {
            ones = newOnes(Math.max(rows, 2 * ones.capacity()));
            ONES.set(ones);
        }
        return ones;
    }

    private static FloatPointer newOnes(long length) {
        FloatPointer ones = new FloatPointer(length);
        for (long i = 0; i < length; i++) {
            ones.put(i, 1f);
        }
        return ones;
    }

    /**
     * A matrix as sgemm reads it, row-major: its memory at the array's offset, the distance between its rows and
     * whether it is stored transposed (column-major) relative to what the product needs.
     */
    private record Operand(INDArray array, FloatPointer pointer, int leading, boolean transposed) {

        static Operand of(INDArray a, boolean transpose) {
            if (a.rank() != 2 || a.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("expected a float matrix, was " + a.shapeInfoToString());
            }
            INDArray stored = a;
            boolean columnMajor;
            long leading;
            if (a.stride(1) == 1 || a.columns() == 1) {
                columnMajor = false;
                leading = a.rows() == 1 ? a.columns() : a.stride(0);
            } else if (a.stride(0) == 1 || a.rows() == 1) {
                columnMajor = true;
                leading = a.stride(1);
            } else {
                stored = a.dup('c');
                columnMajor = false;
                leading = a.columns();
            }
            // a view's data buffer starts at the view's first element (ND4J 1.0.0-M2.1), so no offset is added
            return new Operand(stored, new FloatPointer(stored.data().addressPointer()), (int) leading,
                    columnMajor != transpose);
        }

        /**
         * Keeps the operands' arrays reachable until BLAS has returned: the pointers do not own the memory, and an
         * array the caller no longer uses could otherwise be collected, and its memory freed, during the call.
         */
        static void keepUntilHere(Operand... operands) {
            for (Operand o : operands) {
                Reference.reachabilityFence(o.array);
            }
        }

        int flag() {
            return transposed ? openblas.CblasTrans : openblas.CblasNoTrans;
        }
    }
}

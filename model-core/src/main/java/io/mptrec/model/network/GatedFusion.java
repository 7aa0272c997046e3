package io.mptrec.model.network;

import io.mptrec.model.nn.Activations;
import io.mptrec.model.nn.Blas;
import io.mptrec.model.nn.Dense;
import io.mptrec.model.nn.NativeFloats;
import io.mptrec.model.nn.StepWorkspace;
import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * z = g[0] * taskPart + g[1] * sharedPart with g = softmax(x W), W bias-free (or a fixed g): the fusion
 * every task head ends with, in stage 1 and stage 2 alike.
 */
final class GatedFusion {

    record Pass(INDArray gate, INDArray taskPart, INDArray sharedPart, INDArray fused) {
    }

    record Gradients(INDArray dTaskPart, INDArray dSharedPart, INDArray dInput) {
    }

    /** The fixed gate of the authors' ablation: 0.1 on the task part, 0.9 on the shared part. */
    static final float[] FIXED = {0.1f, 0.9f};

    private final Dense gate;

    /** @param gate the bias-free gate layer, or null for the fixed gate */
    GatedFusion(Dense gate) {
        this.gate = gate;
    }

    Pass forward(INDArray x, INDArray taskPart, INDArray sharedPart) {
        INDArray g = NativeFloats.rowMajor(gate == null ? fixedGates(x.size(0))
                : Activations.softmaxRows(gate.forward(x)));
        INDArray t = NativeFloats.rowMajor(taskPart);
        INDArray s = NativeFloats.rowMajor(sharedPart);
        int rows = (int) t.rows();
        int width = (int) t.columns();
        INDArray fused = StepWorkspace.uninitialized(rows, width);
        RowBlocks blocks = new RowBlocks(rows, width, NativeFloats.of(g));
        float[] tz = blocks.first;
        float[] sz = blocks.second;
        blocks.forEachRow(NativeFloats.of(t), NativeFloats.of(s), null, (offset, taskGate, sharedGate) -> {
            for (int i = offset, end = offset + width; i < end; i++) {
                tz[i] = tz[i] * taskGate + sz[i] * sharedGate;
            }
            return null;
        }, NativeFloats.of(fused), null, null);
        Reference.reachabilityFence(t);
        Reference.reachabilityFence(s);
        return new Pass(g, t, s, fused);
    }

    /** {@link #FIXED} as every row's gate values, in a matrix of the running step's. */
    private static INDArray fixedGates(long rows) {
        INDArray gates = StepWorkspace.uninitialized(rows, 2);
        Blas.setRows(gates, NativeFloats.array(FIXED, 1, 2));
        return gates;
    }

    Gradients backward(INDArray x, Pass pass, INDArray dFused, boolean needInputGradient) {
        INDArray d = NativeFloats.rowMajor(dFused);
        int rows = (int) d.rows();
        int width = (int) d.columns();
        INDArray dTask = StepWorkspace.uninitialized(rows, width);
        INDArray dShared = StepWorkspace.uninitialized(rows, width);
        RowBlocks blocks = new RowBlocks(rows, width, NativeFloats.of(pass.gate()));
        float[] tz = blocks.first;
        float[] sz = blocks.second;
        float[] dz = blocks.third;
        float[] dGate = new float[2 * rows];
        blocks.forEachRow(NativeFloats.of(pass.taskPart()), NativeFloats.of(pass.sharedPart()), NativeFloats.of(d),
                (offset, taskGate, sharedGate) -> {
                    float taskDot = 0;
                    float sharedDot = 0;
                    for (int i = offset, end = offset + width; i < end; i++) {
                        // dL/dg: the row's dot products of dz with each part, read before they are overwritten
                        taskDot += dz[i] * tz[i];
                        sharedDot += dz[i] * sz[i];
                        tz[i] = dz[i] * taskGate;
                        sz[i] = dz[i] * sharedGate;
                    }
                    return new float[] {taskDot, sharedDot};
                }, NativeFloats.of(dTask), NativeFloats.of(dShared), dGate);
        Reference.reachabilityFence(d);
        Reference.reachabilityFence(pass);
        if (gate == null) {
            return new Gradients(dTask, dShared, needInputGradient ? StepWorkspace.zeros(x.size(0), x.size(1)) : null);
        }
        INDArray dLogits = Activations.softmaxRowsBackward(pass.gate(),
                NativeFloats.array(dGate, rows, 2));
        return new Gradients(dTask, dShared, gate.backward(x, dLogits, needInputGradient));
    }

    /** The work on one row of a block, at {@code offset} in the block's arrays; returns the row's two sums or null. */
    private interface RowKernel {
        float[] row(int offset, float taskGate, float sharedGate);
    }

    /**
     * Rows of width values a block at a time through heap arrays, with every row's two gate values. The loops run in
     * Java over the arrays' memory: as ND4J operations (a broadcast per part and gate, then sums) the fusion took an
     * eighth of a training step (model-core/BENCHMARKS.md).
     */
    private static final class RowBlocks {
        final int rows;
        final int width;
        final int rowsPerBlock;
        final float[] gates;
        final float[] first;
        final float[] second;
        final float[] third;

        RowBlocks(int rows, int width, FloatBuffer gate) {
            this.rows = rows;
            this.width = width;
            this.rowsPerBlock = Math.max(1, NativeFloats.CHUNK / Math.max(1, width));
            this.gates = new float[2 * rows];
            gate.get(0, gates);
            this.first = new float[rowsPerBlock * width];
            this.second = new float[rowsPerBlock * width];
            this.third = new float[rowsPerBlock * width];
        }

        /**
         * Per block, reads the sources (the third may be null) into {@link #first}, {@link #second} and {@link #third},
         * runs the kernel on each row, writes {@link #first} and {@link #second} (when given a target) out and, when
         * {@code sums} is given, the rows' two sums into it.
         */
        void forEachRow(FloatBuffer a, FloatBuffer b, FloatBuffer c, RowKernel kernel, FloatBuffer outA,
                        FloatBuffer outB, float[] sums) {
            for (int from = 0; from < rows; from += rowsPerBlock) {
                int values = (Math.min(from + rowsPerBlock, rows) - from) * width;
                a.get(from * width, first, 0, values);
                b.get(from * width, second, 0, values);
                if (c != null) {
                    c.get(from * width, third, 0, values);
                }
                for (int r = from; r < Math.min(rows, from + rowsPerBlock); r++) {
                    float[] rowSums = kernel.row((r - from) * width, gates[2 * r], gates[2 * r + 1]);
                    if (sums != null) {
                        sums[2 * r] = rowSums[0];
                        sums[2 * r + 1] = rowSums[1];
                    }
                }
                outA.put(from * width, first, 0, values);
                if (outB != null) {
                    outB.put(from * width, second, 0, values);
                }
            }
        }
    }
}

package io.mptrec.model.network;

import io.mptrec.model.nn.Activations;
import io.mptrec.model.nn.Dense;
import java.lang.ref.Reference;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
        INDArray g = gate == null
                ? Nd4j.create(FIXED, new long[] {1, 2}, DataType.FLOAT).repeat(0, x.size(0))
                : Activations.softmaxRows(gate.forward(x));
        INDArray taskGate = column(g, 0);
        INDArray sharedGate = column(g, 1);
        INDArray fused = taskPart.mulColumnVector(taskGate).addi(sharedPart.mulColumnVector(sharedGate));
        // ND4J passes an operand's native pointers on and drops the array: without a fence the collector may free a
        // temporary column's buffers while the broadcast still reads them (a SIGSEGV in execBroadcast, #15)
        Reference.reachabilityFence(taskGate);
        Reference.reachabilityFence(sharedGate);
        return new Pass(g, taskPart, sharedPart, fused);
    }

    Gradients backward(INDArray x, Pass pass, INDArray dFused, boolean needInputGradient) {
        INDArray taskGate = column(pass.gate(), 0);
        INDArray sharedGate = column(pass.gate(), 1);
        INDArray dTask = dFused.mulColumnVector(taskGate);
        INDArray dShared = dFused.mulColumnVector(sharedGate);
        Reference.reachabilityFence(taskGate);
        Reference.reachabilityFence(sharedGate);
        if (gate == null) {
            return new Gradients(dTask, dShared, needInputGradient ? Nd4j.zeros(DataType.FLOAT, x.size(0), x.size(1)) : null);
        }
        INDArray dGate = Nd4j.hstack(dFused.mul(pass.taskPart()).sum(true, 1), dFused.mul(pass.sharedPart()).sum(true, 1));
        INDArray dLogits = Activations.softmaxRowsBackward(pass.gate(), dGate);
        return new Gradients(dTask, dShared, gate.backward(x, dLogits, needInputGradient));
    }

    static INDArray column(INDArray m, int j) {
        return m.get(NDArrayIndex.all(), NDArrayIndex.point(j)).reshape(m.size(0), 1);
    }
}

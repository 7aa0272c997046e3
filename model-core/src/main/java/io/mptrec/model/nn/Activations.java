package io.mptrec.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The element-wise functions of the network and their derivatives, in place where that is safe. */
public final class Activations {

    private Activations() {
    }

    public static INDArray relu(INDArray x) {
        return Transforms.relu(x, false);
    }

    /** dL/dx of y = relu(x), given y: the gradient passes where the unit was active. */
    public static INDArray reluBackward(INDArray y, INDArray dy) {
        // the unit step of y (1 where y > 0) as a float mask, times dy: two element-wise ops, no boolean array to cast
        return Transforms.step(y, true).muli(dy);
    }

    /** Row-wise softmax. */
    public static INDArray softmaxRows(INDArray logits) {
        INDArray out = logits.ulike();
        Nd4j.exec(new SoftMax(logits, out, 1));
        return out;
    }

    /** dL/dlogits of p = softmax(logits) per row: p * (dp - sum(p * dp)). */
    public static INDArray softmaxRowsBackward(INDArray p, INDArray dp) {
        INDArray dot = p.mul(dp).sum(true, 1);
        return dp.subColumnVector(dot).muli(p);
    }

    public static INDArray sigmoid(INDArray x) {
        return Transforms.sigmoid(x, true);
    }
}

package io.mptrec.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Layer normalisation over each row, with a learned scale and shift. */
public final class LayerNorm {

    public record Pass(INDArray normalised, INDArray inverseStd) {
    }

    private static final double EPSILON = 1e-5;

    private final INDArray gamma;
    private final INDArray beta;
    private final INDArray gammaGradient;
    private final INDArray betaGradient;

    private LayerNorm(INDArray gamma, INDArray beta, INDArray gammaGradient, INDArray betaGradient) {
        this.gamma = gamma.reshape(1, gamma.length());
        this.beta = beta.reshape(1, beta.length());
        this.gammaGradient = gammaGradient == null ? null : gammaGradient.reshape(1, gammaGradient.length());
        this.betaGradient = betaGradient == null ? null : betaGradient.reshape(1, betaGradient.length());
    }

    public static LayerNorm trainable(Parameters.Parameter gamma, Parameters.Parameter beta) {
        return new LayerNorm(gamma.value(), beta.value(), gamma.gradient(), beta.gradient());
    }

    public static LayerNorm frozen(INDArray gamma, INDArray beta) {
        return new LayerNorm(gamma, beta, null, null);
    }

    public Pass normalise(INDArray u) {
        INDArray centred = u.subColumnVector(u.mean(true, 1));
        INDArray variance = centred.mul(centred).mean(true, 1);
        INDArray inverseStd = Transforms.pow(variance.addi(EPSILON), -0.5, false);
        return new Pass(centred.muliColumnVector(inverseStd), inverseStd);
    }

    public INDArray forward(Pass pass) {
        return NativeFloats.timesRow(pass.normalised(), gamma).addiRowVector(beta);
    }

    /** dL/du = (1/sigma) * (d_hat - mean(d_hat) - u_hat * mean(d_hat * u_hat)), d_hat = dy * gamma. */
    public INDArray backward(Pass pass, INDArray dy) {
        if (gammaGradient != null) {
            gammaGradient.addi(dy.mul(pass.normalised()).sum(true, 0));
            betaGradient.addi(dy.sum(true, 0));
        }
        INDArray dHat = NativeFloats.timesRow(dy, gamma);
        INDArray meanDHat = dHat.mean(true, 1);
        INDArray meanDHatU = dHat.mul(pass.normalised()).mean(true, 1);
        return dHat.subColumnVector(meanDHat).subi(pass.normalised().mulColumnVector(meanDHatU))
                .muliColumnVector(pass.inverseStd());
    }
}

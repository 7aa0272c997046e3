package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MlpTests {

    @Test
    void shouldMatchFiniteDifferencesThroughDenseReluAndBce() {
        Parameters p = Parameters.builder()
                .add("0.w", Parameters.Init.GLOROT_UNIFORM, 0f, 4, 6)
                .add("0.b", Parameters.Init.ZEROS, 0f, 6)
                .add("1.w", Parameters.Init.GLOROT_UNIFORM, 0f, 6, 1)
                .add("1.b", Parameters.Init.ZEROS, 0f, 1)
                .build(3);
        Mlp mlp = new Mlp(List.of(Dense.trainable(p.get("0.w"), p.get("0.b")), Dense.trainable(p.get("1.w"), p.get("1.b"))), false);
        SplittableRandom r = new SplittableRandom(1);
        float[] xs = new float[8 * 4];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextDouble(-1, 1);
        INDArray x = Nd4j.create(xs, new long[] {8, 4}, DataType.FLOAT);
        float[] y = {1, 0, 1, 1, 0, 0, 1, 0};
        java.util.function.DoubleSupplier f = () -> {
            p.zeroGradients();
            Mlp.Pass pass = mlp.forward(x);
            BinaryCrossEntropy.Result bce = BinaryCrossEntropy.of(pass.output(), y, 1.0);
            mlp.backward(pass, bce.logitGradient(), false);
            return bce.loss();
        };
        f.getAsDouble();
        float[] analytic = p.gradients().toFloatVector();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < analytic.length; i++) {
            float v = p.values().getFloat(i);
            p.values().putScalar(i, v + 1e-3);
            double plus = f.getAsDouble();
            p.values().putScalar(i, v - 1e-3);
            double minus = f.getAsDouble();
            p.values().putScalar(i, v);
            double numeric = (plus - minus) / 2e-3;
            if (Math.abs(numeric - analytic[i]) > 1e-3 + 0.02 * Math.abs(numeric)) bad.add(i + ": " + analytic[i] + " vs " + numeric);
        }
        assertThat(bad).isEmpty();
    }
}

package io.mptrec.model.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.nn.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Central finite differences against the analytic gradient, on small shapes. */
public final class GradientCheck {

    public static final double EPSILON = 1e-3;

    private GradientCheck() {
    }

    /** Tiny data: 3 numeric fields, 2 categorical fields with vocabularies of 4 and 3 (index 0 included). */
    public static EncodedRows tinyRows(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] numeric = new float[rows * 3];
        int[] categories = new int[rows * 2];
        for (int i = 0; i < numeric.length; i++) {
            numeric[i] = (float) random.nextDouble();
        }
        for (int r = 0; r < rows; r++) {
            categories[r * 2] = random.nextInt(4);
            categories[r * 2 + 1] = random.nextInt(3);
        }
        return new EncodedRows(rows, 3, 2, numeric, categories);
    }

    public static final int[] TINY_VOCABULARIES = {4, 3};

    public static float[] tinyLabels(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextBoolean() ? 1f : 0f;
        }
        return labels;
    }

    public static ModelConfig tinyConfig() {
        return new ModelConfig(2, 6, 4, 5, 3, 1e-3, 8, 6e-3, 3e-3, 1, 1, 0.9, false, 0.1, 2);
    }

    private static double numericGradient(INDArray values, int flat, double epsilon, DoubleSupplier loss) {
        float original = values.getFloat(flat);
        values.putScalar(flat, original + epsilon);
        double plus = loss.getAsDouble();
        values.putScalar(flat, original - epsilon);
        double minus = loss.getAsDouble();
        values.putScalar(flat, original);
        return (plus - minus) / (2 * epsilon);
    }

    private static boolean close(double numeric, double analytic) {
        return Math.abs(numeric - analytic) <= 1e-3 + 0.03 * Math.abs(numeric);
    }

    /**
     * Checks every parameter's gradient for {@code parameters} (each element of small tensors, a sample of
     * larger ones). {@code lossAndGradients} must recompute the loss and leave fresh gradients.
     */
    public static void check(Parameters parameters, DoubleSupplier lossAndGradients, List<String> skip) {
        // zero-initialised biases put ReLUs exactly on their kink, where the derivative is one-sided: move off it
        SplittableRandom random = new SplittableRandom(99);
        float[] jitter = new float[(int) parameters.count()];
        for (int i = 0; i < jitter.length; i++) {
            jitter[i] = (float) random.nextDouble(-0.2, 0.2);
        }
        parameters.values().addi(org.nd4j.linalg.factory.Nd4j.create(jitter));
        lossAndGradients.getAsDouble();
        float[] analytic = parameters.gradients().toFloatVector();
        INDArray values = parameters.values();
        List<String> failures = new ArrayList<>();
        int offset = 0;
        int checked = 0;
        for (Parameters.Parameter p : parameters.all()) {
            int n = (int) p.size();
            if (!skip.contains(p.name())) {
                int step = Math.max(1, n / 12);
                for (int i = 0; i < n; i += step) {
                    int flat = offset + i;
                    // a ReLU kink within EPSILON of a unit spoils the larger step; a smaller one then decides
                    double numeric = numericGradient(values, flat, EPSILON, lossAndGradients);
                    if (!close(numeric, analytic[flat])) {
                        numeric = numericGradient(values, flat, EPSILON / 10, lossAndGradients);
                    }
                    checked++;
                    if (!close(numeric, analytic[flat])) {
                        failures.add(p.name() + "[" + i + "]: analytic " + analytic[flat] + ", numeric " + numeric);
                    }
                }
            }
            offset += n;
        }
        assertThat(checked).isGreaterThan(0);
        assertThat(failures).as("gradient mismatches").isEmpty();
    }
}

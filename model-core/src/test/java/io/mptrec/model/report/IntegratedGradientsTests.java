package io.mptrec.model.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.Split;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.TaskHead;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.nn.FloatVectors;
import io.mptrec.model.training.Pretrainer;
import io.mptrec.model.training.PromptTuner;
import io.mptrec.model.training.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Integrated gradients against an independent numeric integral and against the completeness property. */
class IntegratedGradientsTests {

    static final ModelConfig SMALL = ModelConfig.defaults().withSizes(16, 8).withBatchSize(64).withEpochs(1);

    @TempDir
    static Path dir;

    static Dataset data;
    static EncoderArtifact encoder;
    static TaskPromptArtifact stage1;
    static TaskPromptArtifact stage2;

    @BeforeAll
    static void train() {
        data = SyntheticData.write(dir, 600, 3);
        Pretrainer.Result result = Pretrainer.run(data, List.of("bycolor", "byamount"), SMALL, 5, TrainingListener.SILENT);
        encoder = result.encoder();
        stage1 = result.prompts().get(0);
        stage2 = PromptTuner.run(data, encoder, result.prompts(), "byredblue",
                TuneConfig.paper().withBatchSize(64).withEpochs(1), 5, null, TrainingListener.SILENT).prompt();
    }

    static Stream<Arguments> heads() {
        return Stream.of(Arguments.of("stage 1", stage1), Arguments.of("stage 2 (attention)", stage2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("heads")
    void shouldMatchAFineRiemannSumOfFiniteDifferenceDerivatives(String name, TaskPromptArtifact prompt) {
        Encoder e = encoder.encoder();
        TaskHead head = prompt.head(encoder);
        EncodedRows rows = rows(6);
        IntegratedGradients.Result ig = IntegratedGradients.attribute(e, head, rows, 256);

        int d = e.inputWidth();
        int[][] columns = IntegratedGradients.fieldColumns(e);
        float[] baseline = FloatVectors.of(e.input(IntegratedGradients.baselineRow(e)));
        float[] x = FloatVectors.of(e.input(rows));
        int points = 1000;
        double h = 1e-3;
        for (int r = 0; r < rows.rows(); r++) {
            for (int f = 0; f < columns.length; f++) {
                // integral over alpha in [0, 1] of the derivative of f along the field's part of (x - b),
                // by central differences at 1000 midpoints: all points of one row and field in one pass
                float[] batch = new float[points * 2 * d];
                for (int s = 0; s < points; s++) {
                    double alpha = (s + 0.5) / points;
                    for (int sign = 0; sign < 2; sign++) {
                        int at = (s * 2 + sign) * d;
                        for (int j = 0; j < d; j++) {
                            double diff = x[r * d + j] - baseline[j];
                            double z = baseline[j] + alpha * diff;
                            if (j >= columns[f][0] && j < columns[f][1]) {
                                z += (sign == 0 ? h : -h) * diff;
                            }
                            batch[at + j] = (float) z;
                        }
                    }
                }
                float[] y = IntegratedGradients.logits(e, head, Nd4j.create(batch, new long[] {points * 2L, d}, DataType.FLOAT));
                double integral = 0;
                for (int s = 0; s < points; s++) {
                    integral += (y[2 * s] - (double) y[2 * s + 1]) / (2 * h) / points;
                }
                assertThat(ig.attribution(r, f)).as("row %d field %d", r, f)
                        .isCloseTo(integral, org.assertj.core.data.Offset.offset(2e-3 + 0.02 * Math.abs(integral)));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("heads")
    void shouldMeetCompletenessBetterAsStepsGrow(String name, TaskPromptArtifact prompt) {
        Encoder e = encoder.encoder();
        TaskHead head = prompt.head(encoder);
        EncodedRows rows = rows(40);
        double[] errors = new double[4];
        int[] steps = {2, 8, 32, 256};
        double change = 0;
        for (int i = 0; i < steps.length; i++) {
            IntegratedGradients.Result ig = IntegratedGradients.attribute(e, head, rows, steps[i]);
            change = 0;
            for (int r = 0; r < rows.rows(); r++) {
                errors[i] += ig.completenessError(r) / rows.rows();
                change += Math.abs(ig.logits()[r] - ig.baselineLogit()) / rows.rows();
            }
        }
        assertThat(change).as("mean |f(x) - f(baseline)|").isGreaterThan(0.01);
        assertThat(errors[3]).isLessThan(errors[0]).isLessThan(errors[1]);
        assertThat(errors[3] / change).as("relative completeness error with 256 steps").isLessThan(0.005);
    }

    /**
     * K baselines: the attributions are the mean of the K single-baseline runs, and completeness holds against the
     * mean f(b_k), improving with the steps as for one baseline.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("heads")
    void shouldAverageSeveralBaselinesAndStayComplete(String name, TaskPromptArtifact prompt) {
        Encoder e = encoder.encoder();
        TaskHead head = prompt.head(encoder);
        EncodedRows rows = rows(20);
        int d = e.inputWidth();
        EncodedRows train = encoder.metadata().transform().encode(data, ContributionReports.sample(data.rows(Split.TRAIN), 3, 4));
        float[] x = FloatVectors.of(e.input(train));
        float[][] baselines = new float[3][];
        for (int k = 0; k < 3; k++) {
            baselines[k] = java.util.Arrays.copyOfRange(x, k * d, (k + 1) * d);
        }
        IntegratedGradients.Result all = IntegratedGradients.attribute(e, head, rows, 64, baselines);
        double[] mean = new double[all.attributions().length];
        double meanBaselineLogit = 0;
        for (float[] b : baselines) {
            IntegratedGradients.Result one = IntegratedGradients.attribute(e, head, rows, 64, new float[][] {b});
            for (int i = 0; i < mean.length; i++) {
                mean[i] += one.attributions()[i] / 3;
            }
            meanBaselineLogit += one.baselineLogit() / 3;
        }
        assertThat(all.attributions()).containsExactly(mean, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(all.baselineLogit()).isCloseTo(meanBaselineLogit, org.assertj.core.data.Offset.offset(1e-9));

        double coarse = 0;
        double fine = 0;
        double change = 0;
        IntegratedGradients.Result fewSteps = IntegratedGradients.attribute(e, head, rows, 2, baselines);
        IntegratedGradients.Result manySteps = IntegratedGradients.attribute(e, head, rows, 256, baselines);
        for (int r = 0; r < rows.rows(); r++) {
            coarse += fewSteps.completenessError(r) / rows.rows();
            fine += manySteps.completenessError(r) / rows.rows();
            change += Math.abs(manySteps.logits()[r] - manySteps.baselineLogit()) / rows.rows();
        }
        assertThat(change).as("mean |f(x) - mean f(b_k)|").isGreaterThan(0.005);
        assertThat(fine).isLessThan(coarse);
        assertThat(fine / change).as("relative completeness error with 256 steps").isLessThan(0.005);
    }

    static EncodedRows rows(int n) {
        int[] test = data.rows(Split.TEST);
        EncodedRows all = encoder.metadata().transform().encode(data, test);
        return all.range(0, Math.min(n, test.length));
    }
}

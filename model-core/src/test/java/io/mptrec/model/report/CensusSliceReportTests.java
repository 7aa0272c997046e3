package io.mptrec.model.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.training.Pretrainer;
import io.mptrec.model.training.PromptTuner;
import io.mptrec.model.training.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The education task on the Census slice (4,000 rows, 400 test rows), with the default options (64 steps) and
 * the attention sliced by sex. The budget is for the report alone: with one native thread (the build's default) it
 * took 1.5 s on a 2-core machine shared with other builds and trainings (load average above 20); the full Census
 * test split sampled to 2,000 rows is timed in the README.
 */
class CensusSliceReportTests {

    static final double BUDGET_SECONDS = 10;

    @Test
    void shouldReportOnTheCensusSliceWithinItsTimeBudget() throws Exception {
        Path schema = Path.of(getClass().getResource("/census-slice/schema.json").toURI());
        Dataset slice = Dataset.load(DatasetSchema.load(schema), schema, null);
        ModelConfig config = ModelConfig.defaults().withSizes(32, 16).withBatchSize(64).withEpochs(2);
        Pretrainer.Result stage1 = Pretrainer.run(slice, List.of("income", "marital"), config, 42, TrainingListener.SILENT);
        var education = PromptTuner.run(slice, stage1.encoder(), stage1.prompts(), "education",
                TuneConfig.paper().withBatchSize(64).withEpochs(2), 7, null, TrainingListener.SILENT).prompt();

        long started = System.nanoTime();
        ContributionReport report = ContributionReports.compute(slice, stage1.encoder(), education,
                ReportOptions.defaults().withSliceField("sex"));
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(seconds).as("report time in seconds").isLessThan(BUDGET_SECONDS);
        assertThat(report.evaluation().sampleSize()).isEqualTo(400);
        assertThat(report.attributions().fields()).hasSize(slice.numericFeatures().size() + slice.categoricalFeatures().size());
        assertThat(report.attributions().completeness().relativeError()).isLessThan(0.05);
        assertThat(report.attention().slices().top()).extracting(ContributionReport.Slice::value)
                .containsExactlyInAnyOrder("Female", "Male");
        assertThat(report.nonInterference().status()).isEqualTo("passed");
        assertThat(ContributionReports.compute(slice, stage1.encoder(), education,
                ReportOptions.defaults().withSliceField("sex")).toJson()).isEqualTo(report.toJson());
        System.out.printf("census slice report: %d rows, %d steps, %.2f s%n", report.evaluation().sampleSize(),
                report.attributions().steps(), seconds);
    }
}

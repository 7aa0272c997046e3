package io.mptrec.model.report;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.Split;
import java.nio.file.Path;

/**
 * Writes the golden contribution report of the current schema version: the golden v1 artifacts (encoder and income
 * prompt) on the Census slice's test split with {@link #OPTIONS}. Run once per schema version, from the model-core
 * folder: {@code java -cp <test classpath> io.mptrec.model.report.GoldenReports src/test/resources/golden/reports/v<n>}.
 * Version 1 was written with {@link #OPTIONS_V1} (the zero baseline, the only one then).
 */
public final class GoldenReports {

    /** Small enough to compute in about a second, large enough that every field gets a non-zero attribution. */
    static final ReportOptions OPTIONS_V1 = ReportOptions.defaults().withSplit(Split.TEST).withRows(200).withSeed(1)
            .withSteps(32);
    /** Version 2 adds the baseline choice; its golden uses the one with the most moving parts. */
    static final ReportOptions OPTIONS = OPTIONS_V1.withBaseline(AttributionBaseline.EXPECTED_GRADIENTS).withBaselineRows(4);
    static final String FILE = "income.report.json";

    private GoldenReports() {
    }

    public static void main(String[] args) throws Exception {
        ContributionReports.write(compute(Path.of("src/test/resources"), OPTIONS), Path.of(args[0]).resolve(FILE));
    }

    static ContributionReport compute(Path testResources, ReportOptions options) {
        Path golden = testResources.resolve("golden/v1");
        Path schema = testResources.resolve("census-slice/schema.json");
        Dataset slice = Dataset.load(DatasetSchema.load(schema), schema, null);
        return ContributionReports.compute(slice, EncoderArtifact.read(golden.resolve("encoder")),
                TaskPromptArtifact.read(golden.resolve("prompt-income")), options);
    }
}

package io.mptrec.model.cli;

import io.mptrec.model.data.Split;
import io.mptrec.model.format.Figures;
import io.mptrec.model.report.AttributionBaseline;
import io.mptrec.model.report.ContributionReport;
import io.mptrec.model.report.ContributionReports;
import io.mptrec.model.report.ReportOptions;
import io.mptrec.model.training.TrainingData;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        header = "Write a task prompt's contribution report (JSON).",
        description = {"Write a task prompt's contribution report (JSON): gate split, attention over the existing tasks'",
            "prompts, per-field integrated gradients with their completeness error, occlusion, non-interference."})
final class ReportCommand implements Callable<Integer> {

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--artifacts", required = true, description = "Folder with encoder/ and prompt-<task>/.")
    Path artifacts;

    @Option(names = "--task", required = true, description = "The task whose prompt (prompt-<task>/) to report on.")
    String task;

    @Option(names = "--prompt", description = "Another task prompt folder for that task (default: <artifacts>/prompt-<task>).")
    Path prompt;

    @Option(names = "--split", defaultValue = "TEST", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Split split;

    @Option(names = "--rows", defaultValue = "2000", description = "Sample at most this many rows of the split (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the row sample (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", defaultValue = "64", description = "Integrated-gradients steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--slice-field", description = "A categorical feature to slice the attention and gate by.")
    String sliceField;

    @Option(names = "--baseline", defaultValue = "zero", converter = BaselineConverter.class,
            description = "What attributions compare each row with: zero (numeric 0, categories unseen/missing),"
                    + " training-mean (the mean input over the train split), expected-gradients (mean over"
                    + " --baseline-rows train rows) (default ${DEFAULT-VALUE}).")
    AttributionBaseline baseline;

    @Option(names = "--baseline-rows", defaultValue = "8",
            description = "K train rows sampled (with --seed) for expected-gradients; cost grows with K (default ${DEFAULT-VALUE}).")
    int baselineRows;

    @Option(names = "--out", required = true, description = "The report file to write (JSON).")
    Path out;

    @Override
    public Integer call() {
        MptrecCommand.fileOption(out, "--out");
        ArtifactFolder folder = new ArtifactFolder(artifacts);
        var encoder = folder.encoder();
        var promptArtifact = folder.prompt(task, prompt);
        ReportOptions options = new ReportOptions(split, rows, seed, steps, sliceField, ReportOptions.DEFAULT_TOP_SLICES,
                baseline, baselineRows);
        long started = System.nanoTime();
        ContributionReport report;
        try (TrainingData data = dataset.stream(encoder)) {
            report = ContributionReports.compute(data, encoder, promptArtifact, options);
        }
        ContributionReports.write(report, out);
        print(report, out, (System.nanoTime() - started) / 1e9);
        return 0;
    }

    static void print(ContributionReport report, Path out, double seconds) {
        var a = report.attributions();
        System.out.printf(Locale.ROOT, "contribution report for %s (%s) over %s %s rows -> %s, %.1f s%n", report.task(),
                Figures.shortHash(report.promptSha256()), Figures.count(report.evaluation().sampleSize()),
                report.evaluation().split(), out, seconds);
        System.out.printf("baseline: %s (%s rows); ", a.baselineUsed().key(), Figures.count(a.baselineRows()));
        System.out.printf("gate: task-specific %s, shared %s; IG completeness error %s (relative %s); "
                + "IG vs occlusion rank correlation %s%n", Figures.estimate(report.gate().meanTaskSpecific()),
                Figures.estimate(report.gate().meanShared()), Figures.estimate(a.completeness().meanAbsError()),
                Figures.estimate(a.completeness().relativeError()), Figures.estimate(a.occlusionRankCorrelation()));
        a.fields().stream().limit(5).forEach(f -> System.out.printf("  %2d %-20s mean |IG| %s  occlusion #%d%n", f.rank(),
                f.field(), Figures.estimate(f.meanAbsAttribution()), f.occlusionRank()));
    }

    /** Baselines by their report names (zero, training-mean, expected-gradients). */
    static final class BaselineConverter implements ITypeConverter<AttributionBaseline> {
        @Override
        public AttributionBaseline convert(String value) {
            return AttributionBaseline.of(value);
        }
    }
}

package io.mptrec.model.cli;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.format.Figures;
import io.mptrec.model.data.Split;
import io.mptrec.model.metrics.BinaryMetrics;
import io.mptrec.model.scoring.Scorer;
import io.mptrec.model.training.Evaluation;
import io.mptrec.model.training.SplitData;
import io.mptrec.model.training.TrainingData;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        header = "Print AUC, log-loss and GAUC of task prompts on a split of a dataset.",
        description = {"Print AUC and log-loss (with sample sizes) of task prompts on a split of a dataset, and GAUC",
            "(impression-weighted per-user AUC over users with both classes) when the schema names a userColumn."})
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--artifacts", required = true, description = "Folder with encoder/ and prompt-<task>/.")
    Path artifacts;

    @Option(names = "--task", description = "Only this task (default: every task prompt in the folder).")
    String task;

    @Option(names = "--split", defaultValue = "TEST", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Split split;

    private static final int CHUNK = 4096;

    @Override
    public Integer call() {
        ArtifactFolder folder = new ArtifactFolder(artifacts);
        var encoder = folder.encoder();
        List<TaskPromptArtifact> prompts = task == null ? folder.prompts() : List.of(folder.prompt(task, null));
        List<String> tasks = prompts.stream().map(TaskPromptArtifact::task).toList();
        try (TrainingData data = dataset.stream(encoder)) {
            print(encoder, prompts, data.encode(encoder.metadata().transform(), tasks).of(split));
        }
        return 0;
    }

    private void print(EncoderArtifact encoder, List<TaskPromptArtifact> prompts, SplitData data) {
        int[] users = data.users();
        for (int t = 0; t < prompts.size(); t++) {
            TaskPromptArtifact prompt = prompts.get(t);
            float[] scores = scores(new Scorer(encoder, prompt), data.encoded());
            float[] labels = data.labels()[t];
            String splitName = split.name().toLowerCase(Locale.ROOT);
            if (prompts.stream().filter(p -> p.task().equals(prompt.task())).count() > 1) {
                // two versions of one task (a tuned one beside the first): say which one the lines below measure
                System.out.println(prompt.task() + ", task prompt " + Figures.shortHash(prompt.contentSha256()) + ":");
            }
            for (OfflineMetric m : Evaluation.metrics(prompt.task(), splitName, scores, labels)) {
                System.out.println(line(m, ""));
            }
            if (users != null) {
                BinaryMetrics.GroupedAuc gauc = BinaryMetrics.gauc(scores, labels, users);
                System.out.println(line(new OfflineMetric(prompt.task(), splitName, "gauc", gauc.value(), gauc.samples(),
                        gauc.positives()), ", users with both classes=" + Figures.count(gauc.groups())));
            }
        }
    }

    /** Scored a chunk at a time: the split may be larger than memory. */
    private static float[] scores(Scorer scorer, EncodedSource rows) {
        float[] scores = new float[rows.rows()];
        for (int start = 0; start < rows.rows(); start += CHUNK) {
            int end = Math.min(rows.rows(), start + CHUNK);
            System.arraycopy(scorer.score(rows.range(start, end)), 0, scores, start, end - start);
        }
        return scores;
    }

    /**
     * One metric as the summaries print it, by the formatting policy, with more sample sizes after the positives:
     * {@code income     test       auc      0.8558  (n=12,345, positives=3,210)}.
     */
    static String line(OfflineMetric m, String moreSizes) {
        return String.format("%-10s %-10s %-8s %s  (n=%s, positives=%s%s)", m.task(), m.split(), m.metric(),
                Figures.estimate(m.value()), Figures.count(m.samples()), Figures.count(m.positives()), moreSizes);
    }
}

package io.mptrec.model.cli;

import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.Split;
import io.mptrec.model.scoring.Scorer;
import io.mptrec.model.training.Evaluation;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Print AUC and log-loss (with sample sizes) of task prompts on a split of a dataset.")
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--artifacts", required = true, description = "Folder with encoder/ and prompt-<task>/.")
    Path artifacts;

    @Option(names = "--task", description = "Only this task (default: every task prompt in the folder).")
    String task;

    @Option(names = "--split", defaultValue = "TEST", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Split split;

    @Override
    public Integer call() {
        ArtifactFolder folder = new ArtifactFolder(artifacts);
        var encoder = folder.encoder();
        List<TaskPromptArtifact> prompts = task == null ? folder.prompts() : List.of(folder.prompt(task));
        var data = dataset.loadFor(encoder);
        int[] rows = data.rows(split);
        var encoded = encoder.metadata().transform().encode(data, rows);
        for (TaskPromptArtifact prompt : prompts) {
            float[] scores = new Scorer(encoder, prompt).score(encoded);
            for (OfflineMetric m : Evaluation.metrics(prompt.task(), split.name().toLowerCase(Locale.ROOT), scores,
                    data.labels(prompt.task(), rows))) {
                System.out.printf("%-10s %-10s %-8s %.4f  (n=%d, positives=%d)%n", m.task(), m.split(), m.metric(),
                        m.value(), m.samples(), m.positives());
            }
        }
        return 0;
    }
}

package io.mptrec.model.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.CanonicalJson;
import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.format.Figures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Verify an artifact (folder or zip) and print its hash, lineage, metrics and arrays.")
final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Artifact folder or zip.")
    Path artifact;

    @Option(names = "--manifest", description = "Print the whole manifest as JSON instead of a summary.")
    boolean manifest;

    @Override
    public Integer call() {
        ArtifactBundle bundle = ArtifactBundle.read(artifact);
        if (manifest) {
            System.out.println(CanonicalJson.writePretty(bundle.manifest()));
            return 0;
        }
        JsonNode m = bundle.metadata();
        // short hashes, as everywhere people read them; --manifest prints the full values
        System.out.printf("%s artifact, format version %d, content SHA-256 %s (verified)%n", bundle.kind(),
                ArtifactBundle.FORMAT_VERSION, Figures.shortHash(bundle.contentSha256()));
        if (m.has("task")) {
            System.out.printf("task %s (stage %d), label %s%nencoder %s%n", m.path("task").asText(), m.path("stage").asInt(),
                    m.path("labelExpression").asText(), Figures.shortHash(m.path("encoderSha256").asText()));
        } else {
            System.out.printf("tasks %s%n", m.path("tasks"));
        }
        JsonNode lineage = m.path("lineage");
        System.out.printf("dataset %s, fingerprint %s%nseed %d, code %s, epochs %d (best %d)%n", lineage.path("datasetName").asText(),
                Figures.shortHash(lineage.path("datasetFingerprint").asText()), lineage.path("seed").asLong(), lineage.path("codeVersion").asText(),
                lineage.path("epochs").asInt(), lineage.path("bestEpoch").asInt());
        if (!lineage.path("parentSha256").isMissingNode() && !lineage.path("parentSha256").isNull()) {
            System.out.printf("parent %s%n", Figures.shortHash(lineage.path("parentSha256").asText()));
        }
        for (JsonNode metric : lineage.path("metrics")) {
            System.out.println("  " + EvaluateCommand.line(new OfflineMetric(metric.path("task").asText(),
                    metric.path("split").asText(), metric.path("metric").asText(), metric.path("value").asDouble(),
                    metric.path("samples").asInt(), metric.path("positives").asInt()), ""));
        }
        JsonNode check = m.path("nonInterference");
        if (check.isObject()) {
            System.out.printf("non-interference over %s %s rows: %s%n", Figures.count(check.path("rows").asLong()),
                    check.path("split").asText(),
                    check.path("identical").asBoolean() ? "existing tasks bit-identical" : "EXISTING TASKS CHANGED");
        }
        long values = 0;
        for (var e : bundle.arrays().entrySet()) {
            values += e.getValue().data().length;
            System.out.printf("  array %-24s %s%n", e.getKey(), Arrays.toString(e.getValue().shape()));
        }
        System.out.printf("%s values in %d arrays%n", Figures.count(values), bundle.arrays().size());
        return 0;
    }
}

package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.format.Figures;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.report.ReportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MptrecCommandTests {

    @TempDir
    Path dir;

    private String schema() throws Exception {
        return Path.of(getClass().getResource("/census-slice/schema.json").toURI()).toString();
    }

    @Test
    void shouldPretrainTuneInspectAndScoreFromTheCommandLine() throws Exception {
        String schema = schema();
        Path artifacts = dir.resolve("artifacts");
        assertThat(MptrecCommand.execute("pretrain", "--schema", schema(), "--tasks", "income,marital", "--out",
                artifacts.toString(), "--epochs", "1", "--batch-size", "64")).isZero();
        assertThat(artifacts.resolve("encoder/manifest.json")).exists();
        assertThat(artifacts.resolve("prompt-income/prompt.npy")).exists();

        assertThat(MptrecCommand.execute("tune", "--schema", schema(), "--artifacts", artifacts.toString(), "--task",
                "education", "--epochs", "1", "--report-rows", "200", "--learning-rate", "0.002", "--patience", "2")).isZero();
        TaskPromptArtifact education = TaskPromptArtifact.read(artifacts.resolve("prompt-education"));
        assertThat(education.metadata().nonInterference().identical()).isTrue();
        assertThat(education.metadata().stage()).isEqualTo(2);
        assertThat(education.metadata().tune().learningRate()).isEqualTo(0.002);
        assertThat(education.metadata().tune().patience()).isEqualTo(2);
        assertThat(education.metadata().tune()).as("the default path").isEqualTo(TuneConfig.defaults().withEpochs(1)
                .withLearningRate(0.002).withPatience(2));

        // the paper's configuration, and options given one by one on top of either
        record Case(List<String> options, TuneConfig expected) {
        }
        for (Case c : List.of(
                new Case(List.of("--paper"), TuneConfig.paper()),
                new Case(List.of("--paper", "--wide"), TuneConfig.paper().withPath(false, 0, true)),
                new Case(List.of("--no-wide", "--adapter-rank", "1"), TuneConfig.defaults().withPath(true, 1, false)),
                new Case(List.of("--paper", "--prompt-tokens", "4"), TuneConfig.paper().withPromptTokens(4)),
                new Case(List.of("--fusion", "UNIFORM"), TuneConfig.paper().withFusion(TuneConfig.Fusion.UNIFORM, false)
                        .withPath(false, TuneConfig.defaults().adapterRank(), TuneConfig.defaults().wide())))) {
            Path out = dir.resolve("variant-" + String.join("", c.options()));
            List<String> args = new ArrayList<>(List.of("tune", "--schema", schema, "--artifacts", artifacts.toString(),
                    "--task", "education", "--epochs", "1", "--no-report", "--out", out.toString()));
            args.addAll(c.options());
            assertThat(MptrecCommand.execute(args.toArray(String[]::new))).as(c.options().toString()).isZero();
            assertThat(TaskPromptArtifact.read(out).metadata().tune()).as(c.options().toString())
                    .isEqualTo(c.expected().withEpochs(1));
        }
        String refusedPath = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("tune", "--schema", schema,
                "--artifacts", artifacts.toString(), "--task", "education", "--fusion", "UNIFORM", "--attend-shared",
                "--out", dir.resolve("refused").toString())).isEqualTo(2));
        assertThat(refusedPath).contains("attendShared needs the ATTENTION fusion, not UNIFORM");
        assertThat(dir.resolve("refused")).doesNotExist();
        // a refusal names the option as typed, not the model's setting (maxEpochs, learningRate, ...)
        for (var refusal : Map.of(List.of("--prompt-tokens", "3"), "promptTokens 3 must divide the prompt width D = 128",
                List.of("--prompt-tokens", "0"), "--prompt-tokens must be between 1 and 16, was 0",
                List.of("--epochs", "0"), "--epochs must be at least 1, was 0",
                List.of("--batch-size", "-5"), "--batch-size must be at least 1, was -5",
                List.of("--patience", "0"), "--patience must be at least 1, was 0",
                List.of("--learning-rate", "NaN"), "--learning-rate must be a positive number, was NaN",
                List.of("--learning-rate", "0"), "--learning-rate must be a positive number, was 0.0",
                List.of("--adapter-rank", "65"), "--adapter-rank must be between 0 and 64, was 65").entrySet()) {
            List<String> args = new ArrayList<>(List.of("tune", "--schema", schema, "--artifacts", artifacts.toString(),
                    "--task", "education", "--out", dir.resolve("refused").toString()));
            args.addAll(refusal.getKey());
            String refusedOption = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute(
                    args.toArray(String[]::new))).isEqualTo(2));
            assertThat(refusedOption).as(refusal.getKey().toString()).contains(refusal.getValue());
            assertThat(dir.resolve("refused")).doesNotExist();
        }

        // tune wrote the contribution report beside the artifact folder, not inside it (the folder is hashed)
        Path tuneReport = artifacts.resolve("prompt-education.report.json");
        assertThat(tuneReport).exists();
        assertThat(artifacts.resolve("prompt-education")).isDirectoryNotContaining("glob:**report*");
        Path report = dir.resolve("report.json");
        assertThat(MptrecCommand.execute("report", "--schema", schema(), "--artifacts", artifacts.toString(), "--task",
                "education", "--rows", "200", "--out", report.toString())).isZero();
        assertThat(Files.readAllBytes(report)).isEqualTo(Files.readAllBytes(tuneReport));
        Path sliced = dir.resolve("sliced.json");
        assertThat(MptrecCommand.execute("report", "--schema", schema(), "--artifacts", artifacts.toString(), "--task",
                "education", "--slice-field", "sex", "--rows", "100", "--seed", "3", "--out", sliced.toString())).isZero();
        assertThat(Files.readString(sliced)).contains("\"field\":\"sex\"").contains("\"sampleSize\":100");
        Path expected = dir.resolve("expected-gradients.json");
        assertThat(MptrecCommand.execute("report", "--schema", schema(), "--artifacts", artifacts.toString(), "--task",
                "education", "--rows", "50", "--baseline", "expected-gradients", "--baseline-rows", "3", "--out",
                expected.toString())).isZero();
        assertThat(Files.readString(expected)).contains("\"baselineKind\":\"expected-gradients\"")
                .contains("\"baselineRows\":3");
        String refused = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("report", "--schema", schema, "--artifacts",
                artifacts.toString(), "--task", "education", "--baseline", "median", "--out", expected.toString())).isEqualTo(2));
        assertThat(refused).contains("unknown attribution baseline 'median'");

        String inspected = ConsoleCapture.out(() -> MptrecCommand.execute("inspect", artifacts.resolve("prompt-education").toString()));
        // by the formatting policy: a short hash (the full one is in --manifest), 4 significant digits, grouped counts
        assertThat(inspected).contains("content SHA-256 " + Figures.shortHash(education.contentSha256()) + " (verified)")
                .doesNotContain(education.contentSha256()).contains("existing tasks bit-identical")
                .containsPattern("education +test +auc +0\\.\\d{4}  \\(n=\\d+, positives=\\d+\\)")
                .containsPattern("\\d{1,3}(,\\d{3})+ values in \\d+ arrays");
        assertThat(ConsoleCapture.out(() -> MptrecCommand.execute("inspect", "--manifest",
                artifacts.resolve("prompt-education").toString()))).contains(education.contentSha256());

        // score: the header must hold every column the encoder reads; a value may be missing ("?"), a column not
        Path partial = dir.resolve("partial.csv");
        Files.write(partial, List.of("age,class_worker,education,wage_per_hour", "39,Private,Bachelors degree(BA AB BS),0"));
        Path out = dir.resolve("scores.csv");
        String refusedScore = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("score", "--artifacts",
                artifacts.toString(), "--task", "education", "--in", partial.toString(), "--out", out.toString())).isEqualTo(2));
        assertThat(refusedScore).contains("first at column 'capital_gains'").contains("the input has no such column");
        assertThat(out).doesNotExist();

        DatasetSchema census = DatasetSchema.load(Path.of(schema));
        List<String> header = new ArrayList<>(census.numericFeatures());
        header.addAll(census.categoricalFeatures());
        Path in = dir.resolve("rows.csv");
        Files.write(in, List.of(String.join(",", header), row(header, Map.of("age", "39", "class_worker", "Private")),
                row(header, Map.of("age", "17", "class_worker", "Not in universe"))));
        assertThat(MptrecCommand.execute("score", "--artifacts", artifacts.toString(), "--task", "education", "--in",
                in.toString(), "--out", out.toString())).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(3).first().isEqualTo("row,score");
        // as readable as any file the user writes (a temporary file's rw------- was kept)
        assertThat(Files.getPosixFilePermissions(out))
                .isEqualTo(Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain.csv"))));
        assertThat(Double.parseDouble(lines.get(1).split(",")[1])).isBetween(0.0, 1.0);

        // a schema with the same number of input columns, but not the same ones, used to evaluate to wrong figures
        Path other = dir.resolve("other-schema.json");
        Files.writeString(other, Files.readString(Path.of(schema))
                .replace("{\"name\": \"wage_per_hour\", \"role\": \"numeric\"}", "{\"name\": \"wage_per_hour\", \"role\": \"ignored\"}")
                .replace("{\"name\": \"instance_weight\", \"role\": \"ignored\"}", "{\"name\": \"instance_weight\", \"role\": \"numeric\"}"));
        Path data = Path.of(schema).resolveSibling("census-slice.csv.gz");
        for (String command : List.of("evaluate", "tune", "report")) {
            List<String> args = new ArrayList<>(List.of(command, "--schema", other.toString(), "--data", data.toString(),
                    "--artifacts", artifacts.toString(), "--task", "education"));
            if (!command.equals("evaluate")) {
                args.addAll(List.of("--out", dir.resolve("unused-" + command).toString()));
            }
            String mismatch = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute(args.toArray(String[]::new))).isEqualTo(2));
            assertThat(mismatch).as(command).contains("mptrec: the schema's input columns do not match the encoder's, "
                    + "first at column 'wage_per_hour'");
        }
    }

    /** A CSV row with the given values and every other column missing. */
    private static String row(List<String> header, Map<String, String> values) {
        return String.join(",", header.stream().map(column -> values.getOrDefault(column, "?")).toList());
    }

    @Test
    void shouldExitNonZeroWithAOneLineReasonOnBadInput() throws Exception {
        String schema = schema();
        String err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("pretrain", "--schema", schema, "--tasks",
                "nosuchtask", "--out", dir.toString())).isEqualTo(2));
        // (native-library log lines may come first; the reason is one line, without a stack trace)
        assertThat(err.lines().filter(l -> l.startsWith("mptrec:")).toList())
                .containsExactly("mptrec: unknown task nosuchtask; the schema defines [income, marital, education]");
        assertThat(err).doesNotContain("\tat ");

        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("inspect", dir.resolve("missing").toString())).isEqualTo(2));
        assertThat(err).contains("no such artifact");

        // refused before any training or writing: an --out of the wrong kind, a report option out of range
        Path file = Files.writeString(dir.resolve("a-file.txt"), "x");
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("pretrain", "--schema", schema, "--tasks",
                "income", "--out", file.toString())).isEqualTo(2));
        assertThat(err).contains("mptrec: --out: " + file + " is a file; give a folder").doesNotContain("epoch");
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("pretrain", "--schema", schema, "--tasks",
                "income", "--out", "")).isEqualTo(2));
        assertThat(err).contains("mptrec: --out: give a folder").doesNotContain("epoch");
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("bench", "--seconds", "0")).isEqualTo(2));
        assertThat(err).contains("mptrec: --seconds must be above 0 and at most 3600, was 0.0");
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("bench", "--artifacts",
                dir.resolve("none").toString())).isEqualTo(2));
        assertThat(err).contains("no such artifact");
        for (var refusal : Map.of("--epochs", "--epochs must be at least 1, was 0",
                "--batch-size", "--batch-size must be at least 1, was 0").entrySet()) {
            err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("pretrain", "--schema", schema, "--tasks",
                    "income", "--out", dir.resolve("refused").toString(), refusal.getKey(), "0")).isEqualTo(2));
            assertThat(err).contains("mptrec: " + refusal.getValue()).doesNotContain("epoch ");
            assertThat(dir.resolve("refused")).doesNotExist();
        }
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("tune", "--schema", schema, "--artifacts",
                dir.toString(), "--task", "education", "--report-rows", "-3")).isEqualTo(2));
        assertThat(err).contains("mptrec: rows must be 1 or more, got -3").doesNotContain("epoch");
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("report", "--schema", schema, "--artifacts",
                dir.toString(), "--task", "income", "--steps", "40000000", "--out", dir.toString())).isEqualTo(2));
        assertThat(err).contains("mptrec: --out: " + dir + " is a folder; give a file name");
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("pretrain", "--schema",
                dir.resolve("no-schema.json").toString(), "--tasks", "income", "--out", dir.toString())).isEqualTo(2));
        assertThat(err).contains("cannot read the schema file: no such file").doesNotContain("java.nio");
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("pilot", "--experiment", "1", "--rows", "10",
                "--user", "erin", "--password", "erin", "--registry", "http://127.0.0.1:1")).isEqualTo(2));
        assertThat(err).contains("mptrec: cannot connect to the registry at http://127.0.0.1:1").doesNotContain("null");
        assertThat(err).doesNotContain("\tat ");
    }

    /**
     * An {@code --out} replaces only the artifact it writes (an earlier version of the same task's prompt): never a
     * user's folder, the artifacts folder itself, another task's prompt or an encoder with prompts tuned on it; a
     * prompt is checked against the task it is used for; a label's name never leads outside the artifacts folder.
     */
    @Test
    void shouldNeverReplaceWhatIsNotTheArtifactItWrites() throws Exception {
        String schema = schema();
        Path artifacts = dir.resolve("artifacts");
        assertThat(MptrecCommand.execute("pretrain", "--schema", schema, "--tasks", "income,marital", "--out",
                artifacts.toString(), "--epochs", "1", "--batch-size", "64")).isZero();
        Path docs = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(docs.resolve("notes.txt"), "important");
        for (var refused : Map.of(artifacts, "(it holds encoder)", docs, "(it holds notes.txt)",
                artifacts.resolve("prompt-income"), "(it holds task-prompt for income)").entrySet()) {
            String err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("tune", "--schema", schema,
                    "--artifacts", artifacts.toString(), "--task", "education", "--epochs", "1", "--no-report",
                    "--out", refused.getKey().toString())).isEqualTo(2));
            assertThat(err).contains("mptrec: " + refused.getKey() + " exists and is not a task-prompt of education:"
                    + " give a new folder, or remove it first " + refused.getValue());
        }
        assertThat(docs.resolve("notes.txt")).hasContent("important");
        assertThat(artifacts.resolve("encoder/manifest.json")).exists();
        assertThat(TaskPromptArtifact.read(artifacts.resolve("prompt-income")).task()).isEqualTo("income");
        assertThat(dir).isDirectoryNotContaining(p -> p.getFileName().toString().contains(".partial-"));
        assertThat(artifacts).isDirectoryNotContaining(p -> p.getFileName().toString().contains(".partial-"));

        String err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("pretrain", "--schema", schema,
                "--tasks", "income", "--out", artifacts.toString(), "--epochs", "1")).isEqualTo(2));
        assertThat(err).contains("mptrec: --out: " + artifacts + " holds an encoder already");
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("pretrain", "--schema", schema, "--tasks",
                "income,income", "--out", dir.resolve("twice").toString(), "--epochs", "1")).isEqualTo(2));
        assertThat(err).contains("mptrec: --tasks: income is given twice");
        Path candidates = Files.writeString(dir.resolve("candidates.csv"), "age\n40\n");
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("score", "--artifacts", artifacts.toString(),
                "--task", "marital", "--prompt", artifacts.resolve("prompt-income").toString(), "--in",
                candidates.toString(), "--out", dir.resolve("scores.csv").toString())).isEqualTo(2));
        assertThat(err).contains("mptrec: the task prompt at " + artifacts.resolve("prompt-income")
                + " is for task income, not marital");
        assertThat(dir.resolve("scores.csv")).doesNotExist();

        // a label named to climb out of the artifacts folder
        String escaping = Files.readString(Path.of(schema)).replace("\"education\":", "\"education/../../escaped\":")
                .replace("\"census-slice.csv.gz\"", "\"" + Path.of(schema).resolveSibling("census-slice.csv.gz")
                        .toString().replace("\\", "\\\\") + "\"");
        Path escapingSchema = Files.writeString(dir.resolve("escaping.json"), escaping);
        err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute("tune", "--schema", escapingSchema.toString(),
                "--artifacts", artifacts.toString(), "--task", "education/../../escaped", "--epochs", "1",
                "--no-report")).isEqualTo(2));
        assertThat(err).contains("mptrec: task 'education/../../escaped' cannot name a folder");
        assertThat(dir.resolve("escaped")).doesNotExist();
        assertThat(dir.getParent().resolve("escaped")).doesNotExist();

        // a new version of income beside the first: evaluate says which version each block of lines measures
        assertThat(MptrecCommand.execute("tune", "--schema", schema, "--artifacts", artifacts.toString(), "--task",
                "income", "--epochs", "1", "--no-report")).isZero();
        String evaluated = ConsoleCapture.out(() -> assertThat(MptrecCommand.execute("evaluate", "--schema", schema,
                "--artifacts", artifacts.toString())).isZero());
        List<String> versions = new ArrayList<>();
        for (TaskPromptArtifact prompt : new ArtifactFolder(artifacts).prompts()) {
            if (prompt.task().equals("income")) {
                versions.add("income, task prompt " + Figures.shortHash(prompt.contentSha256()) + ":");
            }
        }
        assertThat(versions).hasSize(2);
        assertThat(evaluated.lines().filter(l -> l.startsWith("income, task prompt ")).toList())
                .containsExactlyInAnyOrderElementsOf(versions);
        assertThat(evaluated).doesNotContain("marital, task prompt");
    }

    /** Every command's --version prints the version, as its help promises (the subcommands' printed nothing). */
    @Test
    void shouldPrintTheVersionFromEveryCommand() {
        String version = ConsoleCapture.out(() -> assertThat(MptrecCommand.execute("--version")).isZero());
        assertThat(version).startsWith("mptrec-model-core ");
        for (String command : List.of("pretrain", "tune", "evaluate", "score", "inspect", "export", "report", "push",
                "pilot", "bench", "benchmark")) {
            assertThat(ConsoleCapture.out(() -> assertThat(MptrecCommand.execute(command, "-V")).isZero()))
                    .as(command).isEqualTo(version);
        }
    }

    @Test
    void shouldBoundTheReportsStepsAndBaselineRows() {
        assertThatThrownBy(() -> ReportOptions.defaults().withSteps(40_000_000))
                .hasMessage("steps must be 1 to 10000, got 40000000");
        assertThat(ReportOptions.defaults().withSteps(ReportOptions.MAX_STEPS).steps()).isEqualTo(10_000);
    }
}

package io.mptrec.model.cli;

import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A data file several times larger than the Java heap pretrains and tunes: the commands stream it. Each command runs
 * in a JVM of its own with a small heap, and so does evaluate; as a control, reading the whole file into memory
 * ({@link Dataset#load}) runs out of that heap on the same file, so the file is really too large to hold.
 */
class LargerThanHeapTests {

    private static final int HEAP_MB = 64;
    private static final int NUMERIC = 24;
    private static final int COMMENT_CHARS = 800;

    @TempDir
    Path dir;

    @Test
    void shouldPretrainTuneAndEvaluateAFileFourTimesTheHeap() throws Exception {
        Path schema = writeData(4L * HEAP_MB << 20);
        Path out = dir.resolve("artifacts");

        Run pretrain = run("pretrain", "--schema", schema.toString(), "--tasks", "a,b", "--out", out.toString(),
                "--epochs", "1", "--batch-size", "8192");
        assertThat(pretrain.exit()).as(pretrain.output()).isZero();
        assertThat(out.resolve("encoder/manifest.json")).exists();
        assertThat(pretrain.output()).contains("task prompt a").contains("task prompt b");

        Run tune = run("tune", "--schema", schema.toString(), "--artifacts", out.toString(), "--task", "c",
                "--epochs", "1", "--batch-size", "8192", "--no-report");
        assertThat(tune.exit()).as(tune.output()).isZero();
        assertThat(tune.output()).contains("existing tasks bit-identical");
        assertThat(out.resolve("prompt-c/manifest.json")).exists();

        Run evaluate = run("evaluate", "--schema", schema.toString(), "--artifacts", out.toString());
        assertThat(evaluate.exit()).as(evaluate.output()).isZero();
        assertThat(evaluate.output()).containsPattern("c +test +auc +0\\.[6-9]");

        // the control: the same heap cannot hold the file read into memory
        Run inMemory = runMain(ReadIntoMemory.class.getName(), schema.toString());
        assertThat(inMemory.exit()).as(inMemory.output()).isNotZero();
        assertThat(inMemory.output()).contains("OutOfMemoryError");
    }

    /** Reads a dataset into memory, as the streamed commands do not. */
    static final class ReadIntoMemory {
        public static void main(String[] args) {
            Path schema = Path.of(args[0]);
            Dataset.load(DatasetSchema.load(schema), schema, null);
        }
    }

    /** A census-like table: an id, three small categories, 24 numbers, a comment, and three labels that depend on them. */
    private Path writeData(long minBytes) throws IOException {
        List<String> columns = new ArrayList<>();
        columns.add("{\"name\": \"id\", \"role\": \"categorical\", \"minCount\": 5}");
        for (int c = 0; c < 3; c++) {
            columns.add("{\"name\": \"cat" + c + "\", \"role\": \"categorical\"}");
        }
        for (int f = 0; f < NUMERIC; f++) {
            columns.add("{\"name\": \"x" + f + "\", \"role\": \"numeric\"}");
        }
        columns.add("{\"name\": \"comment\", \"role\": \"ignored\"}");
        for (String label : List.of("a", "b", "c")) {
            columns.add("{\"name\": \"y_" + label + "\", \"role\": \"ignored\"}");
        }
        Path schema = dir.resolve("schema.json");
        Files.writeString(schema, """
                {"name": "larger-than-heap", "file": "data.csv", "format": {"header": false},
                 "columns": [%s],
                 "labels": {"a": "y_a == 1", "b": "y_b == 1", "c": "y_c == 1"},
                 "split": {"type": "modulo", "modulus": 10, "validation": [8], "test": [9]}}
                """.formatted(String.join(", ", columns)));
        SplittableRandom random = new SplittableRandom(7);
        Path data = dir.resolve("data.csv");
        try (BufferedWriter w = Files.newBufferedWriter(data, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            while (Files.size(data) < minBytes) {
                for (int i = 0; i < 10_000; i++) {
                    line.setLength(0);
                    int category = random.nextInt(4);
                    line.append(random.nextInt(50_000)).append(',').append("c").append(category).append(",k")
                            .append(random.nextInt(12)).append(",m").append(random.nextInt(30));
                    double sum = category;
                    for (int f = 0; f < NUMERIC; f++) {
                        double v = random.nextDouble() * 100;
                        sum += f < 4 ? v / 50 : 0;
                        line.append(',').append(String.format(Locale.ROOT, "%.4f", v));
                    }
                    // free text, as logs carry: most of a row's bytes, read but never an input
                    line.append(',');
                    for (int k = 0; k < COMMENT_CHARS; k++) {
                        line.append((char) ('a' + random.nextInt(26)));
                    }
                    double noise = random.nextGaussian();
                    line.append(',').append(sum + noise > 5 ? 1 : 0).append(',').append(category >= 2 ? 1 : 0)
                            .append(',').append(sum - noise > 6 ? 1 : 0).append('\n');
                    w.append(line);
                }
                w.flush();
            }
        }
        assertThat(Files.size(data)).isGreaterThanOrEqualTo(4L * HEAP_MB << 20);
        return schema;
    }

    private record Run(int exit, String output) {
    }

    /** The command in a JVM of its own with a heap of {@link #HEAP_MB}. */
    private Run run(String... args) throws Exception {
        List<String> mainAndArgs = new ArrayList<>(List.of(MptrecCommand.class.getName()));
        mainAndArgs.addAll(List.of(args));
        return runMain(mainAndArgs.toArray(String[]::new));
    }

    private Run runMain(String... mainAndArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP_MB + "m", "-Dorg.bytedeco.javacpp.maxbytes=512m",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path")));
        String cacheDir = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cacheDir != null) {
            command.add(1, "-Dorg.bytedeco.javacpp.cachedir=" + cacheDir);
        }
        command.addAll(List.of(mainAndArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.txt").toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(mainAndArgs[0] + " did not finish in 10 minutes");
        }
        return new Run(process.exitValue(), Files.readString(dir.resolve("output.txt")));
    }
}

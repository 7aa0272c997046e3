package io.mptrec.model.data;

import io.mptrec.model.artifact.EncoderArtifact;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What encoding a scoring request's candidates costs a server: the first 100 rows of the Census TEST split, all 42
 * columns as raw text, encoded by the bundled encoder's {@link RawEncoder}, as {@link TextColumn}s and as
 * {@link TextRow}s (the layouts the server reads a body into). Run from the project root (model-core/BENCHMARKS.md,
 * "Encoding a request"):
 *
 * <pre>
 * ./mvnw -B -o -q -pl model-core test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
 * java -cp model-core/target/test-classes:model-core/target/classes:$(cat model-core/target/test.classpath) \
 *     org.openjdk.jmh.Main RawEncoderBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RawEncoderBenchmark {

    private RawEncoder encoder;
    private List<Map<String, String>> rows;
    private Map<String, List<String>> columns;

    @Setup
    public void load() {
        Path root = Path.of(System.getProperty("mptrec.root", ".")).toAbsolutePath();
        Path schemaFile = root.resolve("data/census-income-kdd/schema.json");
        Dataset data = Dataset.load(DatasetSchema.load(schemaFile), schemaFile, null);
        encoder = new RawEncoder(EncoderArtifact.read(root.resolve("data/census-income-kdd/artifacts/encoder"))
                .metadata().transform());
        int[] test = Arrays.copyOf(data.rows(Split.TEST), 100);
        rows = new ArrayList<>();
        Map<String, List<String>> byColumn = new LinkedHashMap<>();
        for (int row : test) {
            Map<String, String> raw = data.rawRow(row);
            rows.add(TextRow.of(raw));
            raw.forEach((name, value) -> byColumn.computeIfAbsent(name, n -> new ArrayList<>()).add(value));
        }
        columns = new LinkedHashMap<>();
        byColumn.forEach((name, values) -> columns.put(name, TextColumn.of(values)));
    }

    @Benchmark
    public EncodedRows columns() {
        return encoder.encodeColumns(columns);
    }

    @Benchmark
    public EncodedRows rows() {
        return encoder.encodeRows(rows);
    }
}

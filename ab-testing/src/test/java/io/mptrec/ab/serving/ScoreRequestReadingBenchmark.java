package io.mptrec.ab.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.ab.serving.ScoreRequests.ScoreRequest;
import io.mptrec.kernel.json.StrictJson;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.Split;
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

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What reading a score request's body costs the server: the first 100 rows of the Census TEST split, all 42 columns
 * as raw text, as the bytes a client sends, read by the application's strict mapper into a {@link ScoreRequest} as
 * rows and as columns; and as rows whose columns come in another order in every row (the worst case for reading a
 * row's names against the last row's). Run from the project root (ab-testing/BENCHMARK.md):
 *
 * <pre>
 * ./mvnw -B -o -q -pl ab-testing test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
 * java -cp ab-testing/target/test-classes:ab-testing/target/classes:$(cat ab-testing/target/test.classpath) \
 *     org.openjdk.jmh.Main ScoreRequestReadingBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScoreRequestReadingBenchmark {

    private static final ObjectMapper JSON = StrictJson.apply(new ObjectMapper());

    private byte[] rows;
    private byte[] rowsShuffled;
    private byte[] columns;

    @Setup
    public void load() throws IOException {
        Path root = Path.of(System.getProperty("mptrec.root", ".")).toAbsolutePath();
        Path schemaFile = root.resolve("data/census-income-kdd/schema.json");
        Dataset data = Dataset.load(DatasetSchema.load(schemaFile), schemaFile, null);
        List<Map<String, String>> candidates = new ArrayList<>();
        List<Map<String, String>> shuffled = new ArrayList<>();
        Random random = new Random(42);
        for (int row : Arrays.copyOf(data.rows(Split.TEST), 100)) {
            Map<String, String> raw = data.rawRow(row);
            candidates.add(raw);
            List<String> names = new ArrayList<>(raw.keySet());
            Collections.shuffle(names, random);
            Map<String, String> reordered = new LinkedHashMap<>();
            names.forEach(name -> reordered.put(name, raw.get(name)));
            shuffled.add(reordered);
        }
        Map<String, List<String>> byColumn = new LinkedHashMap<>();
        for (String name : candidates.get(0).keySet()) {
            byColumn.put(name, candidates.stream().map(r -> r.get(name)).toList());
        }
        rows = JSON.writeValueAsBytes(Map.of("task", "income", "unitId", "u", "rows", candidates));
        rowsShuffled = JSON.writeValueAsBytes(Map.of("task", "income", "unitId", "u", "rows", shuffled));
        columns = JSON.writeValueAsBytes(Map.of("task", "income", "unitId", "u", "columns", byColumn));
    }

    @Benchmark
    public ScoreRequest rows() throws IOException {
        return JSON.readValue(rows, ScoreRequest.class);
    }

    @Benchmark
    public ScoreRequest rowsInAnotherOrderEachRow() throws IOException {
        return JSON.readValue(rowsShuffled, ScoreRequest.class);
    }

    @Benchmark
    public ScoreRequest columns() throws IOException {
        return JSON.readValue(columns, ScoreRequest.class);
    }
}

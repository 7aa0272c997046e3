package io.mptrec.model.scoring;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.Split;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many serving threads on one scorer, each pass on its caller's thread, while the collector runs all the time. With the
 * ND4J heads this crashed the JVM (ND4J 1.0.0-M2.1, SIGSEGV in {@code execBroadcast}: the collector freed a native
 * buffer a broadcast still read, #15): 16 threads with a collection forced every 10 ms crashed within seconds, and
 * even one forward-pass thread crashed within 60 to 90 s. Scoring now runs in {@code InferenceKernel}, whose native
 * memory (the weights, each pass's pooled scratch) is freed by the kernel itself, never by the collector, and is an
 * argument of every call that reads it, so the build runs the same check briefly with forced collections (100 rows: the
 * OpenBLAS path, 16 threads at once), and the soak is a command (10 minutes, 16 threads, a collection every 10 ms: ran
 * clean on 2026-12-02, model-core/BENCHMARKS.md):
 * <pre>
 * ./mvnw -pl model-core test -Dtest=ScorerConcurrencyTests -Dmptrec.stress.seconds=600 \
 *     -Dmptrec.stress.threads=16 -Dmptrec.stress.gc-millis=10
 * </pre>
 */
class ScorerConcurrencyTests {

    static final Path ARTIFACTS = Path.of("../data/census-income-kdd/artifacts");
    static final Path SCHEMA = Path.of("../data/census-income-kdd/schema.json");

    @Test
    void shouldGiveTheSingleThreadedScoresFromManyThreadsWhileTheCollectorRuns() throws Exception {
        int threadCount = Integer.getInteger("mptrec.stress.threads", 16);
        long gcMillis = Long.getLong("mptrec.stress.gc-millis", 20);
        Scorer scorer = new Scorer(EncoderArtifact.read(ARTIFACTS.resolve("encoder")),
                TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-income")));
        Dataset data = Dataset.load(DatasetSchema.load(SCHEMA), SCHEMA, null);
        List<Map<String, String>> rows = Arrays.stream(data.rows(Split.TEST)).limit(100).mapToObj(data::rawRow).toList();
        float[] expected = scorer.score(rows);
        long end = System.nanoTime() + (long) (Double.parseDouble(System.getProperty("mptrec.stress.seconds", "5")) * 1e9);
        AtomicLong passes = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    float[] scores = scorer.score(rows);
                    if (!Arrays.equals(scores, expected)) {
                        failures.add(Arrays.toString(Arrays.copyOf(scores, 3)));
                    }
                    passes.incrementAndGet();
                }
            });
            thread.start();
            threads.add(thread);
        }
        Thread collector = new Thread(() -> {
            while (gcMillis > 0 && System.nanoTime() < end) {
                System.gc();
                sleep(gcMillis);
            }
        });
        collector.start();
        for (Thread t : threads) {
            t.join();
        }
        collector.join();

        assertThat(failures).isEmpty();
        assertThat(passes.get()).as("passes in the time given").isGreaterThan(threadCount);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

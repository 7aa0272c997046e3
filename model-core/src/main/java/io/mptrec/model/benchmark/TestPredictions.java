package io.mptrec.model.benchmark;

import io.mptrec.model.metrics.ScoredRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Each benchmark record's predictions on the test split with their labels, kept in its run's folder
 * ({@code predictions/<setting>/<task>/<model>/seed-<seed>.f32}: the row count, the labels, then the predictions,
 * float32) so that the report can compare two models on the same rows ({@link io.mptrec.model.metrics.PairedAuc}),
 * also when their seeds ran in separate processes. A few hundred KB a record; not results to keep in version control.
 */
public final class TestPredictions {

    static final String FOLDER = "predictions";

    private TestPredictions() {
    }

    /** Writes {@code rows} as {@code record}'s, atomically, under {@code out}. */
    public static void write(Path out, BenchmarkRecord record, ScoredRows rows) {
        Path file = file(out, record);
        ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES + 2 * Float.BYTES * rows.labels().length);
        bytes.putInt(rows.labels().length);
        bytes.asFloatBuffer().put(rows.labels()).put(rows.scores());
        try {
            Files.createDirectories(file.getParent());
            io.mptrec.model.format.AtomicFile.write(file, bytes.array());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test predictions " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code record}'s test predictions from the first of {@code outs} that holds them, if one does. */
    public static Optional<ScoredRows> read(List<Path> outs, BenchmarkRecord record) {
        for (Path out : outs) {
            Path file = file(out, record);
            try {
                ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
                int rows = bytes.remaining() < Integer.BYTES ? -1 : bytes.getInt();
                if (rows < 0 || bytes.remaining() != 2L * Float.BYTES * rows) {
                    throw new IOException("it holds " + bytes.capacity() + " bytes, not those of " + rows + " rows");
                }
                float[] labels = new float[rows];
                float[] scores = new float[rows];
                bytes.asFloatBuffer().get(labels).get(scores);
                return Optional.of(new ScoredRows(labels, scores));
            } catch (NoSuchFileException e) {
                // not in this folder: a merged run's records are spread over its parts' folders
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the test predictions " + file + ": " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    static Path file(Path out, BenchmarkRecord record) {
        return out.resolve(FOLDER).resolve(record.setting()).resolve(record.task()).resolve(record.model())
                .resolve("seed-" + record.seed() + ".f32");
    }
}

package io.mptrec.model.benchmark;

import io.mptrec.model.metrics.ScoredRows;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try {
                try (DataOutputStream data = new DataOutputStream(new BufferedOutputStream(
                        Files.newOutputStream(temp)))) {
                    data.writeInt(rows.labels().length);
                    for (float label : rows.labels()) {
                        data.writeFloat(label);
                    }
                    for (float score : rows.scores()) {
                        data.writeFloat(score);
                    }
                }
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test predictions " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code record}'s test predictions from the first of {@code outs} that holds them, if one does. */
    public static Optional<ScoredRows> read(List<Path> outs, BenchmarkRecord record) {
        for (Path out : outs) {
            Path file = file(out, record);
            try (DataInputStream data = new DataInputStream(new BufferedInputStream(
                    Files.newInputStream(file)))) {
                int rows = data.readInt();
                float[] labels = new float[rows];
                float[] scores = new float[rows];
                for (int i = 0; i < rows; i++) {
                    labels[i] = data.readFloat();
                }
                for (int i = 0; i < rows; i++) {
                    scores[i] = data.readFloat();
                }
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

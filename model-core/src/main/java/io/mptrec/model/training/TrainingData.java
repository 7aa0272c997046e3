package io.mptrec.model.training;

import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.data.Split;
import io.mptrec.model.data.StreamedDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What stage 1 and stage 2 train on: a dataset's identity, the transform fitted on its train split, and its splits
 * encoded. Either a {@link Dataset} in memory or a {@link StreamedDataset} whose splits are encoded to files in a
 * folder of its own (deleted on {@link #close()}); both give the same rows, labels and transform, so the same
 * training.
 */
public final class TrainingData implements AutoCloseable {

    /** The three splits of one encoding: train, validation, test. */
    public record Splits(SplitData train, SplitData validation, SplitData test) {
        public SplitData of(Split split) {
            return switch (split) {
                case TRAIN -> train;
                case VALIDATION -> validation;
                case TEST -> test;
            };
        }
    }

    @FunctionalInterface
    private interface Encoder {
        Splits encode(FeatureTransform transform, List<String> tasks);
    }

    private final DatasetSchema schema;
    private final String fingerprint;
    private final String dataSha256;
    private final int rowCount;
    private final List<String> tasks;
    private final java.util.function.Supplier<FeatureTransform> fitted;
    private final Encoder encoder;
    private final List<AutoCloseable> resources = new ArrayList<>();

    private TrainingData(DatasetSchema schema, String fingerprint, String dataSha256, int rowCount, List<String> tasks,
                         java.util.function.Supplier<FeatureTransform> fitted, Encoder encoder) {
        this.schema = schema;
        this.fingerprint = fingerprint;
        this.dataSha256 = dataSha256;
        this.rowCount = rowCount;
        this.tasks = List.copyOf(tasks);
        this.fitted = fitted;
        this.encoder = encoder;
    }

    /**
     * A dataset read into memory. Its transform is fitted once, and each split is encoded once per transform and kept:
     * the benchmark trains some twenty models on one dataset, and encoding the splits anew for each took longer than
     * a short run's training.
     */
    public static TrainingData of(Dataset data) {
        Map<FeatureTransform, Map<Split, EncodedSource>> encodings = new IdentityHashMap<>();
        FeatureTransform[] fitted = new FeatureTransform[1];
        return new TrainingData(data.schema(), data.fingerprint(), data.dataSha256(), data.rowCount(), data.tasks(),
                () -> {
                    synchronized (fitted) { // only stage 1 and the benchmark's baselines ask for it
                        if (fitted[0] == null) {
                            fitted[0] = FeatureTransform.fit(data, data.rows(Split.TRAIN));
                        }
                        return fitted[0];
                    }
                },
                (transform, tasks) -> {
                    synchronized (encodings) {
                        Map<Split, EncodedSource> encoded = encodings.computeIfAbsent(transform,
                                t -> new EnumMap<>(Split.class));
                        Function<Split, SplitData> split = s -> SplitData.of(data, encoded.computeIfAbsent(s,
                                e -> transform.encode(data, data.rows(e))), s, tasks);
                        return new Splits(split.apply(Split.TRAIN), split.apply(Split.VALIDATION),
                                split.apply(Split.TEST));
                    }
                });
    }

    /** A dataset streamed from its file; each encoding writes its splits to files in a new temporary folder. */
    public static TrainingData streamed(StreamedDataset data) {
        TrainingData[] self = new TrainingData[1];
        self[0] = new TrainingData(data.schema(), data.fingerprint(), data.dataSha256(), data.rowCount(), data.tasks(),
                data::transform, (transform, tasks) -> {
                    Path folder;
                    try {
                        folder = Files.createTempDirectory("mptrec-encoded-");
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot create a folder for the encoded rows", e);
                    }
                    self[0].resources.add(() -> Files.deleteIfExists(folder)); // closed last, once its files are gone
                    Map<Split, StreamedDataset.EncodedSplit> encoded = data.encode(transform, tasks, folder);
                    encoded.values().forEach(s -> self[0].resources.add(s.encoded()));
                    return new Splits(split(encoded.get(Split.TRAIN)), split(encoded.get(Split.VALIDATION)),
                            split(encoded.get(Split.TEST)));
                });
        return self[0];
    }

    private static SplitData split(StreamedDataset.EncodedSplit s) {
        return new SplitData(s.split(), s.rows(), s.encoded(), s.labels(), s.users());
    }

    public DatasetSchema schema() {
        return schema;
    }

    public String fingerprint() {
        return fingerprint;
    }

    public String dataSha256() {
        return dataSha256;
    }

    public int rowCount() {
        return rowCount;
    }

    /** Task names in schema order. */
    public List<String> tasks() {
        return tasks;
    }

    /** The transform fitted on the train split (stage 1's). */
    public FeatureTransform fittedTransform() {
        return fitted.get();
    }

    /** The three splits encoded with {@code transform}, with the labels of {@code tasks}. */
    public Splits encode(FeatureTransform transform, List<String> tasks) {
        return encoder.encode(transform, tasks);
    }

    /** Deletes what the encoding wrote to disk, if anything. */
    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot delete the encoded rows", e);
            }
        }
        resources.clear();
    }
}

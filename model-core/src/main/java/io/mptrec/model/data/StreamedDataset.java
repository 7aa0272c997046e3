package io.mptrec.model.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A data file read as a stream, for training on files larger than memory: one pass fits the feature transform on the
 * train split, a second writes each split's encoded rows to a file ({@link EncodedFile}). In memory stay the side
 * tables, the vocabularies being counted, and per row of a split its labels (4 bytes a task) and user; never the
 * file's text. Gives the same transform, rows, labels and users as {@link Dataset} on the same file.
 */
public final class StreamedDataset {

    /**
     * One split, encoded.
     *
     * @param rows    the split's row numbers in the file (header excluded), in file order
     * @param encoded the encoded rows, in the same order; closing deletes its file
     * @param labels  per task asked for, per row: 0 or 1
     * @param users   per row, an id of its user (equal ids, equal users; -1 for none), or null without a user column
     */
    public record EncodedSplit(Split split, int[] rows, EncodedFile encoded, float[][] labels, int[] users) {
    }

    private final DatasetSchema schema;
    private final RowStream stream;
    private final int[] numericColumns;
    private final int[] categoricalColumns;
    private final int userColumn;
    private final RowStream.Summary summary;
    private final FeatureTransform transform;

    private StreamedDataset(DatasetSchema schema, RowStream stream) {
        this.schema = schema;
        this.stream = stream;
        this.numericColumns = schema.numericPositions();
        this.categoricalColumns = schema.categoricalPositions();
        this.userColumn = schema.userPosition();
        FeatureTransform.Fitter fitter = new FeatureTransform.Fitter(schema);
        float[] numbers = new float[numericColumns.length];
        String[] categories = new String[categoricalColumns.length];
        this.summary = stream.read((row, line, split, values, labels) -> {
            parse(values, line, numbers, categories);
            if (split == Split.TRAIN) {
                fitter.add(numbers, categories);
            }
        });
        this.transform = fitter.transform();
    }

    /**
     * Reads the file once: checks it as {@link Dataset#load} does and fits the transform on its train split.
     *
     * @throws DatasetException naming the file, the 1-based line (0 for the whole file) and the reason
     */
    public static StreamedDataset open(DatasetSchema schema, Path schemaFile, Path dataFile) {
        return new StreamedDataset(schema, new RowStream(schema, schemaFile, dataFile));
    }

    public DatasetSchema schema() {
        return schema;
    }

    /** See {@link Dataset#fingerprint()}. */
    public String fingerprint() {
        return summary.fingerprint();
    }

    /** See {@link Dataset#dataSha256()}. */
    public String dataSha256() {
        return summary.dataSha256();
    }

    public int rowCount() {
        return summary.rows();
    }

    public List<SideTable.Match> joins() {
        return summary.joins();
    }

    public List<String> tasks() {
        return stream.tasks();
    }

    /** The transform fitted on the train split, as {@link FeatureTransform#fit} fits it. */
    public FeatureTransform transform() {
        return transform;
    }

    /**
     * Reads the file again and writes each split's rows, encoded with {@code encoding}, to a file in {@code folder}.
     *
     * @throws InputMismatchException when the schema's input columns are not {@code encoding}'s
     */
    public Map<Split, EncodedSplit> encode(FeatureTransform encoding, List<String> tasks, Path folder) {
        encoding.requireInputs(schema.numericFeatures(), schema.categoricalFeatures());
        int[] taskIndex = tasks.stream().mapToInt(t -> {
            int k = stream.tasks().indexOf(t);
            if (k < 0) {
                throw new IllegalArgumentException("unknown task " + t + "; the schema defines " + stream.tasks());
            }
            return k;
        }).toArray();
        int fn = encoding.numericWidth();
        int fc = encoding.categoricalWidth();
        Map<Split, EncodedFile.Writer> writers = new EnumMap<>(Split.class);
        Map<Split, Growing> kept = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            writers.put(split, new EncodedFile.Writer(folder.resolve(split.name().toLowerCase() + ".rows"), fn, fc));
            kept.put(split, new Growing(tasks.size(), userColumn >= 0));
        }
        Map<String, Integer> userIds = new HashMap<>();
        float[] numbers = new float[numericColumns.length];
        String[] categories = new String[categoricalColumns.length];
        float[] x = new float[fn];
        int[] c = new int[fc];
        stream.read((row, line, split, values, labels) -> {
            // ids in first-seen order over every row, missing values included, as Dataset codes a column
            int user = userColumn < 0 ? -1 : userIds.computeIfAbsent(values[userColumn], v -> userIds.size());
            if (split == null) {
                return;
            }
            parse(values, line, numbers, categories);
            encoding.encodeRow(numbers, categories, x, 0, c, 0);
            writers.get(split).write(x, c);
            boolean missingUser = userColumn >= 0 && schema.format().isMissing(values[userColumn]);
            kept.get(split).add(row, labels, taskIndex, missingUser ? -1 : user);
        });
        Map<Split, EncodedSplit> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            Growing g = kept.get(split);
            float[][] labels = new float[tasks.size()][];
            for (int k = 0; k < labels.length; k++) {
                labels[k] = Arrays.copyOf(g.labels[k], g.size);
            }
            splits.put(split, new EncodedSplit(split, Arrays.copyOf(g.rows, g.size), writers.get(split).finish(), labels,
                    userColumn < 0 ? null : Arrays.copyOf(g.users, g.size)));
        }
        return splits;
    }

    /** A row's features as {@link Dataset#numeric} and {@link Dataset#categorical} give them. */
    private void parse(String[] values, long line, float[] numbers, String[] categories) {
        FileFormat format = schema.format();
        for (int f = 0; f < numericColumns.length; f++) {
            String value = values[numericColumns[f]];
            if (format.isMissing(value)) {
                numbers[f] = Float.NaN;
            } else {
                numbers[f] = DatasetException.numeric(value, schema.numericFeatures().get(f), stream.dataFile(), line);
            }
        }
        for (int f = 0; f < categoricalColumns.length; f++) {
            String value = values[categoricalColumns[f]];
            categories[f] = format.isMissing(value) ? null : value;
        }
    }

    /** Per-row arrays of one split that double as they fill. */
    private static final class Growing {
        int size;
        int[] rows = new int[1024];
        int[] users;
        final float[][] labels;

        Growing(int tasks, boolean withUsers) {
            labels = new float[tasks][1024];
            users = withUsers ? new int[1024] : null;
        }

        void add(int row, boolean[] rowLabels, int[] taskIndex, int user) {
            if (size == rows.length) {
                rows = Arrays.copyOf(rows, size * 2);
                users = users == null ? null : Arrays.copyOf(users, size * 2);
                for (int k = 0; k < labels.length; k++) {
                    labels[k] = Arrays.copyOf(labels[k], size * 2);
                }
            }
            rows[size] = row;
            if (users != null) {
                users[size] = user;
            }
            for (int k = 0; k < taskIndex.length; k++) {
                labels[k][size] = rowLabels[taskIndex[k]] ? 1f : 0f;
            }
            size++;
        }
    }
}

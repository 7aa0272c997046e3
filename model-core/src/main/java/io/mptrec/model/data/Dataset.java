package io.mptrec.model.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A data file read in full, labelled and split as its schema says. Immutable.
 *
 * <p>Each column is stored as codes into its own list of distinct values, which keeps 100k rows of
 * repetitive census text small and parses each distinct number once.
 */
public final class Dataset {

    private final DatasetSchema schema;
    private final Path dataFile;
    private final String dataSha256;
    private final String fingerprint;
    private final int rowCount;
    private final Column[] columns;
    private final int[] numericColumns;
    private final int[] categoricalColumns;
    private final Map<String, float[]> labels;
    private final Map<Split, int[]> rows;
    private final List<SideTable.Match> joins;

    /** One column: per row a code, per code the value as read, whether it is missing, and its number. */
    private record Column(String name, int[] codes, String[] values, boolean[] missing, float[] numbers) {
        String value(int row) {
            return values[codes[row]];
        }

        boolean isMissing(int row) {
            return missing[codes[row]];
        }
    }

    private Dataset(DatasetSchema schema, Path dataFile, String dataSha256, String fingerprint,
                    int rowCount, Column[] columns, Map<String, float[]> labels, Map<Split, int[]> rows,
                    List<SideTable.Match> joins) {
        this.schema = schema;
        this.dataFile = dataFile;
        this.dataSha256 = dataSha256;
        this.fingerprint = fingerprint;
        this.rowCount = rowCount;
        this.columns = columns;
        this.joins = List.copyOf(joins);
        this.numericColumns = schema.numericPositions();
        this.categoricalColumns = schema.categoricalPositions();
        this.labels = labels;
        this.rows = rows;
    }

    /**
     * Reads, labels, splits and validates a data file. Writes nothing.
     *
     * @param schemaFile where the schema came from; relative data file and side table names resolve against its folder
     * @param dataFile   the data file, or null for the schema's own "file"
     * @throws DatasetException naming the file, the 1-based line (0 for the whole file) and the reason
     */
    public static Dataset load(DatasetSchema schema, Path schemaFile, Path dataFile) {
        return new Loader(schema, new RowStream(schema, schemaFile, dataFile)).load();
    }

    public DatasetSchema schema() {
        return schema;
    }

    public Path dataFile() {
        return dataFile;
    }

    /** SHA-256 (lower-case hex) of the data file's bytes as stored, compressed or not. */
    public String dataSha256() {
        return dataSha256;
    }

    /**
     * SHA-256 (lower-case hex) of the UTF-8 text: hex SHA-256 of the data file bytes, then that of each side table's
     * bytes in join order, then hex SHA-256 of {@link DatasetSchema#canonicalJson()}. Same data and same schema, same
     * fingerprint.
     */
    public String fingerprint() {
        return fingerprint;
    }

    public int rowCount() {
        return rowCount;
    }

    /** Per side table of the schema, in join order: its rows and how many data rows (and keys) it did not match. */
    public List<SideTable.Match> joins() {
        return joins;
    }

    public List<String> numericFeatures() {
        return schema.numericFeatures();
    }

    public List<String> categoricalFeatures() {
        return schema.categoricalFeatures();
    }

    /** Task names in schema order. */
    public List<String> tasks() {
        return List.copyOf(labels.keySet());
    }

    /** @param field index into {@link #numericFeatures()}; NaN when missing */
    public float numeric(int row, int field) {
        Column column = columns[numericColumns[field]];
        return column.numbers[column.codes[row]];
    }

    /** @param field index into {@link #categoricalFeatures()}; null when missing */
    public String categorical(int row, int field) {
        Column column = columns[categoricalColumns[field]];
        return column.isMissing(row) ? null : column.value(row);
    }

    public float label(String task, int row) {
        return taskLabels(task)[row];
    }

    public float[] labels(String task, int[] rows) {
        float[] all = taskLabels(task);
        float[] selected = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            selected[i] = all[rows[i]];
        }
        return selected;
    }

    /**
     * Per row, an id of its user (equal ids, equal users), or -1 when the row has no user value: the groups of GAUC.
     *
     * @throws IllegalStateException when the schema names no user column
     */
    public int[] users(int[] rows) {
        if (schema.userColumn() == null) {
            throw new IllegalStateException("the schema " + schema.name() + " names no user column");
        }
        Column column = Arrays.stream(columns).filter(c -> c.name().equals(schema.userColumn())).findFirst()
                .orElseThrow();
        int[] users = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            users[i] = column.isMissing(rows[i]) ? -1 : column.codes()[rows[i]];
        }
        return users;
    }

    /** Row indices of a split, in file order. */
    public int[] rows(Split split) {
        return rows.get(split).clone();
    }

    /**
     * Column name to the value as read (trimmed if the format says so, missing tokens kept), in column order, side
     * tables' columns last; null for a side table's column when the row's key is not in that table.
     */
    public Map<String, String> rawRow(int row) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (Column column : columns) {
            raw.put(column.name, column.value(row));
        }
        return Collections.unmodifiableMap(raw);
    }

    private float[] taskLabels(String task) {
        float[] values = labels.get(task);
        if (values == null) {
            throw new IllegalArgumentException("unknown task '" + task + "', known: " + labels.keySet());
        }
        return values;
    }

    /** One pass of a {@link RowStream}: codes each column's values, keeps each row's split and labels. */
    private static final class Loader {
        private final DatasetSchema schema;
        private final RowStream stream;
        private final FileFormat format;
        private final List<ColumnSpec> specs;
        private final List<Map<String, Integer>> dictionaries = new ArrayList<>();
        private final List<List<String>> values = new ArrayList<>();
        private final List<List<Float>> numbers = new ArrayList<>();
        private int[][] codes;
        private byte[] splits;
        private float[][] labels;
        private int rowCount;

        Loader(DatasetSchema schema, RowStream stream) {
            this.schema = schema;
            this.stream = stream;
            this.format = schema.format();
            this.specs = schema.allColumns();
        }

        Dataset load() {
            int n = specs.size();
            codes = new int[n][1024];
            splits = new byte[1024];
            labels = new float[stream.tasks().size()][1024];
            for (int c = 0; c < n; c++) {
                dictionaries.add(new HashMap<>());
                values.add(new ArrayList<>());
                numbers.add(new ArrayList<>());
            }
            RowStream.Summary summary = stream.read(this::row);

            Column[] columns = new Column[n];
            for (int c = 0; c < n; c++) {
                List<String> distinct = values.get(c);
                boolean[] missing = new boolean[distinct.size()];
                float[] parsed = new float[distinct.size()];
                for (int code = 0; code < distinct.size(); code++) {
                    missing[code] = format.isMissing(distinct.get(code));
                    parsed[code] = numbers.get(c).get(code);
                }
                columns[c] = new Column(specs.get(c).name(), Arrays.copyOf(codes[c], rowCount),
                        distinct.toArray(String[]::new), missing, parsed);
            }
            Map<Split, int[]> rows = new EnumMap<>(Split.class);
            for (Split split : Split.values()) {
                int[] selected = new int[summary.splitRows().get(split)];
                int count = 0;
                for (int row = 0; row < rowCount; row++) {
                    if (splits[row] == split.ordinal() + 1) {
                        selected[count++] = row;
                    }
                }
                rows.put(split, selected);
            }
            Map<String, float[]> byTask = new LinkedHashMap<>();
            for (int k = 0; k < labels.length; k++) {
                byTask.put(stream.tasks().get(k), Arrays.copyOf(labels[k], rowCount));
            }
            return new Dataset(schema, stream.dataFile(), summary.dataSha256(), summary.fingerprint(), rowCount, columns,
                    Collections.unmodifiableMap(byTask), rows, summary.joins());
        }

        private void row(int row, long line, Split split, String[] rowValues, boolean[] rowLabels) {
            if (rowCount == splits.length) {
                for (int c = 0; c < codes.length; c++) {
                    codes[c] = Arrays.copyOf(codes[c], rowCount * 2);
                }
                for (int k = 0; k < labels.length; k++) {
                    labels[k] = Arrays.copyOf(labels[k], rowCount * 2);
                }
                splits = Arrays.copyOf(splits, rowCount * 2);
            }
            for (int c = 0; c < codes.length; c++) {
                codes[c][rowCount] = code(c, rowValues[c], line);
            }
            for (int k = 0; k < labels.length; k++) {
                labels[k][rowCount] = rowLabels[k] ? 1f : 0f;
            }
            splits[rowCount] = (byte) (split == null ? 0 : split.ordinal() + 1);
            rowCount++;
        }

        private int code(int column, String value, long line) {
            Map<String, Integer> dictionary = dictionaries.get(column);
            Integer code = dictionary.get(value);
            if (code == null) {
                code = dictionary.size();
                dictionary.put(value, code);
                values.get(column).add(value);
                numbers.get(column).add(number(column, value, line));
            }
            return code;
        }

        private float number(int column, String value, long line) {
            ColumnSpec spec = specs.get(column);
            if (spec.role() != ColumnRole.NUMERIC || format.isMissing(value)) {
                return Float.NaN;
            }
            return DatasetException.numeric(value, spec.name(), stream.dataFile(), line);
        }
    }
}

package io.mptrec.model.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

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

    private Dataset(DatasetSchema schema, Path dataFile, String dataSha256, List<String> sideTableSha256,
                    int rowCount, Column[] columns, Map<String, float[]> labels, Map<Split, int[]> rows,
                    List<SideTable.Match> joins) {
        this.schema = schema;
        this.dataFile = dataFile;
        this.dataSha256 = dataSha256;
        this.fingerprint = sha256Hex((dataSha256 + String.join("", sideTableSha256)
                + sha256Hex(schema.canonicalJson().getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8));
        this.rowCount = rowCount;
        this.columns = columns;
        this.joins = List.copyOf(joins);
        List<String> names = schema.allColumns().stream().map(ColumnSpec::name).toList();
        this.numericColumns = schema.numericFeatures().stream().mapToInt(names::indexOf).toArray();
        this.categoricalColumns = schema.categoricalFeatures().stream().mapToInt(names::indexOf).toArray();
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
        if (dataFile == null) {
            if (schema.file() == null) {
                throw new DatasetException(schemaFile, 0, "no data file given and the schema names none");
            }
            Path folder = schemaFile.toAbsolutePath().getParent();
            dataFile = folder.resolve(schema.file());
        }
        return new Loader(schema, dataFile, schemaFile.toAbsolutePath().getParent()).load();
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

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /**
     * Reads a delimited file as {@code format} says (gzip, charset, delimiter, trimming) and returns the SHA-256 (hex)
     * of its bytes as stored.
     */
    static String readRecords(Path file, FileFormat format, Consumer<DelimitedReader> body) {
        MessageDigest digest = sha256();
        try (InputStream stored = Files.newInputStream(file);
             DigestInputStream hashed = new DigestInputStream(stored, digest)) {
            InputStream in = format.isGzip(file) ? new GZIPInputStream(hashed, 1 << 16) : hashed;
            Reader reader = new BufferedReader(new InputStreamReader(in, format.charset()), 1 << 16);
            // Not closed here: that would close the stored stream, whose remaining bytes the hash still needs.
            body.accept(new DelimitedReader(reader, format.delimiter(), format.trim()));
            // Gzip may stop before the end of the stored bytes; the hash must cover all of them.
            hashed.transferTo(OutputStream.nullOutputStream());
        } catch (UncheckedIOException e) {
            throw readFailure(file, e.getCause());
        } catch (IOException e) {
            throw readFailure(file, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static DatasetException readFailure(Path file, IOException e) {
        if (e instanceof ZipException) {
            return new DatasetException(file, 0, "not a valid gzip file: " + e.getMessage(), e);
        }
        return new DatasetException(file, 0, "cannot read the data file: " + e, e);
    }

    /** The next record, a quoting error as a DatasetException at its line. */
    static String[] next(DelimitedReader records, Path file) {
        try {
            return records.next();
        } catch (DelimitedReader.MalformedException e) {
            throw new DatasetException(file, e.line(), e.getMessage(), e);
        }
    }

    /** One pass over the file: split lines, code values per column, then label, split and check. */
    private static final class Loader {
        private final DatasetSchema schema;
        private final Path dataFile;
        private final FileFormat format;
        private final List<ColumnSpec> specs;
        private final List<Map<String, Integer>> dictionaries = new ArrayList<>();
        private final List<List<String>> values = new ArrayList<>();
        private final List<List<Float>> numbers = new ArrayList<>();
        private final Path schemaFolder;
        private final int fileColumns;
        private int[][] codes;
        private long[] lines;
        private int rowCount;

        Loader(DatasetSchema schema, Path dataFile, Path schemaFolder) {
            this.schema = schema;
            this.dataFile = dataFile;
            this.schemaFolder = schemaFolder;
            this.format = schema.format();
            this.specs = schema.allColumns();
            this.fileColumns = schema.columns().size();
        }

        Dataset load() {
            int n = specs.size();
            codes = new int[n][1024];
            lines = new long[1024];
            for (int c = 0; c < n; c++) {
                dictionaries.add(new HashMap<>());
                values.add(new ArrayList<>());
                numbers.add(new ArrayList<>());
            }
            String dataSha256 = readRecords(dataFile, format, this::readLines);
            List<String> sideTableSha256 = new ArrayList<>();
            List<SideTable.Match> matches = new ArrayList<>();
            int offset = fileColumns;
            for (SideTable join : schema.joins()) {
                matches.add(join(join, offset, sideTableSha256));
                offset += join.columns().size();
            }

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
            Map<Split, int[]> rows = split(columns);
            Map<String, float[]> labels = label(columns, rows);
            return new Dataset(schema, dataFile, dataSha256, sideTableSha256, rowCount, columns, labels, rows, matches);
        }

        private void readLines(DelimitedReader records) {
            int n = fileColumns;
            boolean first = true;
            String[] fields;
            while ((fields = next(records, dataFile)) != null) {
                long lineNumber = records.line();
                if (fields.length != n) {
                    throw new DatasetException(dataFile, lineNumber, "expected " + n + " fields, found " + fields.length);
                }
                if (format.header() && first) {
                    first = false;
                    checkHeader(fields, lineNumber);
                    continue;
                }
                first = false;
                if (rowCount == lines.length) {
                    for (int c = 0; c < codes.length; c++) {
                        codes[c] = Arrays.copyOf(codes[c], rowCount * 2);
                    }
                    lines = Arrays.copyOf(lines, rowCount * 2);
                }
                for (int c = 0; c < n; c++) {
                    codes[c][rowCount] = code(c, fields[c], dataFile, lineNumber);
                }
                lines[rowCount] = lineNumber;
                rowCount++;
            }
        }

        /**
         * Reads a side table (header required) and gives each data row the codes of its key's row, or of null (missing)
         * when the key is missing or not in the table.
         *
         * @param offset the index of the side table's first column among all columns
         */
        private SideTable.Match join(SideTable join, int offset, List<String> sha256) {
            Path file = schemaFolder.resolve(join.file());
            Map<String, int[]> byKey = new HashMap<>();
            sha256.add(readRecords(file, format, records -> readSideTable(records, file, join, offset, byKey)));
            int keyColumn = schema.columnNames().indexOf(join.key());
            int width = join.columns().size();
            int[] unmatched = null;
            int unmatchedRows = 0;
            Set<String> unmatchedKeys = new HashSet<>();
            for (int row = 0; row < rowCount; row++) {
                String key = values.get(keyColumn).get(codes[keyColumn][row]);
                int[] matched = format.isMissing(key) ? null : byKey.get(key);
                if (matched == null) {
                    if (unmatched == null) {
                        unmatched = new int[width];
                        for (int j = 0; j < width; j++) {
                            unmatched[j] = code(offset + j, null, file, 0);
                        }
                    }
                    matched = unmatched;
                    unmatchedRows++;
                    unmatchedKeys.add(key);
                }
                for (int j = 0; j < width; j++) {
                    codes[offset + j][row] = matched[j];
                }
            }
            return new SideTable.Match(join.file(), join.key(), byKey.size(), unmatchedRows, unmatchedKeys.size());
        }

        private void readSideTable(DelimitedReader records, Path file, SideTable join, int offset, Map<String, int[]> byKey) {
            String[] header = next(records, file);
            if (header == null) {
                throw new DatasetException(file, 0, "empty side table, expected a header row");
            }
            List<String> names = Arrays.asList(header);
            int keyIndex = names.indexOf(join.key());
            if (keyIndex < 0) {
                throw new DatasetException(file, records.line(), "the header " + names + " has no key column '"
                        + join.key() + "'");
            }
            int[] taken = new int[join.columns().size()];
            for (int j = 0; j < taken.length; j++) {
                String name = join.columns().get(j).name();
                taken[j] = names.indexOf(name);
                if (taken[j] < 0) {
                    throw new DatasetException(file, records.line(), "the header " + names + " has no column '"
                            + name + "'");
                }
            }
            Map<String, Long> keyLines = new HashMap<>();
            String[] fields;
            while ((fields = next(records, file)) != null) {
                long line = records.line();
                if (fields.length != header.length) {
                    throw new DatasetException(file, line, "expected " + header.length + " fields, found " + fields.length);
                }
                String key = fields[keyIndex];
                if (format.isMissing(key)) {
                    throw new DatasetException(file, line, "the key column '" + join.key() + "' has no value");
                }
                Long before = keyLines.putIfAbsent(key, line);
                if (before != null) {
                    throw new DatasetException(file, line, "key '" + key + "' repeats line " + before);
                }
                int[] row = new int[taken.length];
                for (int j = 0; j < taken.length; j++) {
                    row[j] = code(offset + j, fields[taken[j]], file, line);
                }
                byKey.put(key, row);
            }
        }

        private void checkHeader(String[] fields, long lineNumber) {
            List<String> expected = schema.columnNames();
            if (!Arrays.asList(fields).equals(expected)) {
                throw new DatasetException(dataFile, lineNumber,
                        "the header " + Arrays.asList(fields) + " does not match the schema columns " + expected);
            }
        }

        private int code(int column, String value, Path file, long lineNumber) {
            Map<String, Integer> dictionary = dictionaries.get(column);
            Integer code = dictionary.get(value);
            if (code == null) {
                code = dictionary.size();
                dictionary.put(value, code);
                values.get(column).add(value);
                numbers.get(column).add(number(column, value, file, lineNumber));
            }
            return code;
        }

        private float number(int column, String value, Path file, long lineNumber) {
            ColumnSpec spec = specs.get(column);
            if (spec.role() != ColumnRole.NUMERIC || format.isMissing(value)) {
                return Float.NaN;
            }
            if (!DecimalText.isDecimal(value)) {
                throw new DatasetException(file, lineNumber,
                        "column '" + spec.name() + "' is numeric but has '" + value + "'");
            }
            return Float.parseFloat(value);
        }

        private Map<Split, int[]> split(Column[] columns) {
            Map<String, Column> byName = new HashMap<>();
            for (Column column : columns) {
                byName.put(column.name(), column);
            }
            Split[] assigned;
            try {
                assigned = schema.split().assign(rowCount, (name, row) -> {
                    Column column = byName.get(name);
                    return column.isMissing(row) ? null : column.value(row);
                });
            } catch (InvalidCellException e) {
                throw new DatasetException(dataFile, lines[e.row()], "the split's column '" + e.column() + "': "
                        + e.reason());
            }
            Map<Split, int[]> rows = new EnumMap<>(Split.class);
            for (Split split : Split.values()) {
                int[] selected = new int[rowCount];
                int count = 0;
                for (int row = 0; row < rowCount; row++) {
                    if (assigned[row] == split) {
                        selected[count++] = row;
                    }
                }
                if (count == 0) {
                    throw new DatasetException(dataFile, 0, "the " + split.name().toLowerCase()
                            + " split is empty (" + rowCount + " rows, split " + schema.split() + ")");
                }
                rows.put(split, Arrays.copyOf(selected, count));
            }
            return rows;
        }

        private Map<String, float[]> label(Column[] columns, Map<Split, int[]> rows) {
            Map<String, Integer> index = new HashMap<>();
            for (int c = 0; c < columns.length; c++) {
                index.put(columns[c].name(), c);
            }
            Map<String, float[]> labels = new LinkedHashMap<>();
            schema.labelExpressions().forEach((task, expression) -> {
                float[] y = new float[rowCount];
                for (int row = 0; row < rowCount; row++) {
                    int r = row;
                    try {
                        y[row] = expression.test(name -> {
                            Column column = columns[index.get(name)];
                            return column.isMissing(r) ? null : column.value(r);
                        }) ? 1f : 0f;
                    } catch (IllegalArgumentException e) {
                        throw new DatasetException(dataFile, 0,
                                "label '" + task + "' on row " + row + ": " + e.getMessage(), e);
                    }
                }
                for (Split split : List.of(Split.TRAIN, Split.VALIDATION)) {
                    checkBothClasses(task, split, y, rows.get(split));
                }
                labels.put(task, y);
            });
            return Collections.unmodifiableMap(labels);
        }

        /** A single class leaves nothing to learn (train) or makes the validation AUC undefined. */
        private void checkBothClasses(String task, Split split, float[] y, int[] rows) {
            int positives = 0;
            for (int row : rows) {
                positives += (int) y[row];
            }
            if (positives == 0 || positives == rows.length) {
                throw new DatasetException(dataFile, 0, "label '" + task + "' has a single class ("
                        + (positives == 0 ? "0" : "1") + ") in the " + split.name().toLowerCase() + " split");
            }
        }
    }
}

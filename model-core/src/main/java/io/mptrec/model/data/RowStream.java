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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The one reader of a schema's data: streams the data file a row at a time with its side tables joined, its split
 * assigned and its labels computed, checking the file as it goes. Side tables are held in memory (a recommender's
 * user and item tables are small beside its log); the data file never is, so a file larger than memory streams.
 *
 * <p>A row's values are in {@link DatasetSchema#allColumns()} order (the file's columns, then each side table's),
 * as read (trimmed if the format says so, missing tokens kept); a side table's columns are null when the row's key
 * is not in that table. Numbers are not parsed here, except in side tables (checked as they are read): the
 * readers that parse a column check it.
 */
public final class RowStream {

    /** Receives each data row, in file order. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * @param row    the row's number among the file's data rows (header excluded), from 0
         * @param line   the row's 1-based line in the file, for errors
         * @param split  the row's split, null for a row in no split (a range split leaves rows out)
         * @param values the row's values, in {@link DatasetSchema#allColumns()} order; reused for the next row
         * @param labels per task of {@link DatasetSchema#labelExpressions()}, in order: the row's label; reused
         */
        void row(int row, long line, Split split, String[] values, boolean[] labels);
    }

    /**
     * What a pass read.
     *
     * @param rows          data rows read (header excluded), those in no split included
     * @param splitRows     rows per split
     * @param positives     per split, per task: rows labelled 1
     * @param joins         per side table, in join order: how it matched
     * @param dataSha256    SHA-256 (hex) of the data file's bytes as stored
     * @param fingerprint   see {@link Dataset#fingerprint()}
     */
    public record Summary(int rows, Map<Split, Integer> splitRows, Map<Split, int[]> positives,
                          List<SideTable.Match> joins, String dataSha256, String fingerprint) {
    }

    private final DatasetSchema schema;
    private final Path dataFile;
    private final Path schemaFolder;
    private final FileFormat format;
    private final List<String> tasks;
    private final List<LabelExpression> expressions;
    private final Map<String, Integer> columnIndex = new HashMap<>();
    private final int fileColumns;
    private final int width;

    /**
     * @param schemaFile where the schema came from; relative data file and side table names resolve against its folder
     * @param dataFile   the data file, or null for the schema's own "file"
     */
    public RowStream(DatasetSchema schema, Path schemaFile, Path dataFile) {
        this.schemaFolder = schemaFile.toAbsolutePath().getParent();
        if (dataFile == null) {
            if (schema.file() == null) {
                throw new DatasetException(schemaFile, 0, "no data file given and the schema names none");
            }
            dataFile = schemaFolder.resolve(schema.file());
        }
        this.schema = schema;
        this.dataFile = dataFile;
        this.format = schema.format();
        this.tasks = List.copyOf(schema.labelExpressions().keySet());
        this.expressions = List.copyOf(schema.labelExpressions().values());
        List<ColumnSpec> all = schema.allColumns();
        for (int c = 0; c < all.size(); c++) {
            columnIndex.put(all.get(c).name(), c);
        }
        this.fileColumns = schema.columns().size();
        this.width = all.size();
    }

    public Path dataFile() {
        return dataFile;
    }

    /** Task names, in the order of the visitor's labels. */
    public List<String> tasks() {
        return tasks;
    }

    /**
     * One pass over the data (the side tables are read first). Checks at the end that no split is empty and that
     * every task has both classes in the train and validation splits.
     *
     * @throws DatasetException naming the file, the 1-based line (0 for the whole file) and the reason
     */
    public Summary read(Visitor visitor) {
        List<String> sideTableSha256 = new ArrayList<>();
        List<Map<String, String[]>> sideTables = new ArrayList<>();
        for (SideTable join : schema.joins()) {
            Path file = schemaFolder.resolve(join.file());
            Map<String, String[]> byKey = new HashMap<>();
            sideTableSha256.add(readRecords(file, format, records -> readSideTable(records, file, join, byKey)));
            sideTables.add(byKey);
        }
        Pass pass = new Pass(visitor, sideTables);
        String dataSha256 = readRecords(dataFile, format, pass::readLines);
        pass.checkSplits();

        List<SideTable.Match> matches = new ArrayList<>();
        for (int j = 0; j < schema.joins().size(); j++) {
            SideTable join = schema.joins().get(j);
            matches.add(new SideTable.Match(join.file(), join.key(), sideTables.get(j).size(), pass.unmatchedRows[j],
                    pass.unmatchedKeys.get(j).size()));
        }
        String fingerprint = sha256Hex((dataSha256 + String.join("", sideTableSha256)
                + sha256Hex(schema.canonicalJson().getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8));
        return new Summary(pass.row, pass.splitRows, pass.positives, matches, dataSha256, fingerprint);
    }

    /** The state of one pass over the data file. */
    private final class Pass {
        private final Visitor visitor;
        private final List<Map<String, String[]>> sideTables;
        private final SplitRule.Assigner assigner = schema.split().assigner();
        private final String[] values = new String[width];
        private final boolean[] labels = new boolean[tasks.size()];
        private final Map<Split, Integer> splitRows = new EnumMap<>(Split.class);
        private final Map<Split, int[]> positives = new EnumMap<>(Split.class);
        private final int[] unmatchedRows;
        private final List<Set<String>> unmatchedKeys = new ArrayList<>();
        private int row;

        Pass(Visitor visitor, List<Map<String, String[]>> sideTables) {
            this.visitor = visitor;
            this.sideTables = sideTables;
            this.unmatchedRows = new int[sideTables.size()];
            for (int j = 0; j < sideTables.size(); j++) {
                unmatchedKeys.add(new HashSet<>());
            }
            for (Split split : Split.values()) {
                splitRows.put(split, 0);
                positives.put(split, new int[tasks.size()]);
            }
        }

        void readLines(DelimitedReader records) {
            boolean first = true;
            String[] fields;
            while ((fields = next(records, dataFile)) != null) {
                long line = records.line();
                if (fields.length != fileColumns) {
                    throw new DatasetException(dataFile, line, "expected " + fileColumns + " fields, found "
                            + fields.length);
                }
                if (format.header() && first) {
                    first = false;
                    checkHeader(fields, line);
                    continue;
                }
                first = false;
                System.arraycopy(fields, 0, values, 0, fileColumns);
                join();
                Split split;
                try {
                    split = assigner.next(row, column -> present(values[columnIndex.get(column)]));
                } catch (InvalidCellException e) {
                    throw new DatasetException(dataFile, line, "the split's column '" + e.column() + "': "
                            + e.reason());
                }
                label();
                if (split != null) {
                    splitRows.merge(split, 1, Integer::sum);
                    int[] counts = positives.get(split);
                    for (int k = 0; k < labels.length; k++) {
                        counts[k] += labels[k] ? 1 : 0;
                    }
                }
                visitor.row(row, line, split, values, labels);
                row++;
            }
        }

        private void join() {
            int offset = fileColumns;
            for (int j = 0; j < sideTables.size(); j++) {
                SideTable table = schema.joins().get(j);
                String key = values[columnIndex.get(table.key())];
                String[] matched = format.isMissing(key) ? null : sideTables.get(j).get(key);
                if (matched == null) {
                    unmatchedRows[j]++;
                    if (unmatchedKeys.get(j).size() < MAX_UNMATCHED_KEYS) {
                        unmatchedKeys.get(j).add(key);
                    }
                    Arrays.fill(values, offset, offset + table.columns().size(), null);
                } else {
                    System.arraycopy(matched, 0, values, offset, matched.length);
                }
                offset += table.columns().size();
            }
        }

        private void label() {
            for (int k = 0; k < labels.length; k++) {
                try {
                    labels[k] = expressions.get(k).test(name -> present(values[columnIndex.get(name)]));
                } catch (IllegalArgumentException e) {
                    throw new DatasetException(dataFile, 0, "label '" + tasks.get(k) + "' on row " + row + ": "
                            + e.getMessage(), e);
                }
            }
        }

        /** No split may be empty; a task with one class in train or validation leaves nothing to learn or measure. */
        void checkSplits() {
            for (Split split : Split.values()) {
                if (splitRows.get(split) == 0) {
                    throw new DatasetException(dataFile, 0, "the " + split.name().toLowerCase() + " split is empty ("
                            + row + " rows, split " + schema.split() + ")");
                }
            }
            for (int k = 0; k < tasks.size(); k++) {
                for (Split split : List.of(Split.TRAIN, Split.VALIDATION)) {
                    int p = positives.get(split)[k];
                    if (p == 0 || p == splitRows.get(split)) {
                        throw new DatasetException(dataFile, 0, "label '" + tasks.get(k) + "' has a single class ("
                                + (p == 0 ? "0" : "1") + ") in the " + split.name().toLowerCase() + " split");
                    }
                }
            }
        }
    }

    /**
     * The schema's side tables, read once, as a function that adds to a row (column name to raw value) the side
     * tables' columns of its keys: for rows that arrive without their features, such as candidates to score. A key
     * missing from its table leaves that table's columns null (missing). The row's own columns win.
     */
    public java.util.function.UnaryOperator<Map<String, String>> sideTableJoin() {
        List<Map<String, String[]>> tables = new ArrayList<>();
        for (SideTable join : schema.joins()) {
            Path file = schemaFolder.resolve(join.file());
            Map<String, String[]> byKey = new HashMap<>();
            readRecords(file, format, records -> readSideTable(records, file, join, byKey));
            tables.add(byKey);
        }
        return row -> {
            Map<String, String> joined = new java.util.LinkedHashMap<>(row);
            for (int j = 0; j < tables.size(); j++) {
                SideTable table = schema.joins().get(j);
                String key = row.get(table.key());
                String[] matched = key == null || format.isMissing(key) ? null : tables.get(j).get(key);
                for (int c = 0; c < table.columns().size(); c++) {
                    joined.putIfAbsent(table.columns().get(c).name(), matched == null ? null : matched[c]);
                }
            }
            return joined;
        };
    }

    /** Distinct unmatched keys counted exactly up to this many (the count is a diagnostic, not worth the memory). */
    static final int MAX_UNMATCHED_KEYS = 1_000_000;

    private String present(String value) {
        return format.isMissing(value) ? null : value;
    }

    private void checkHeader(String[] fields, long line) {
        List<String> expected = schema.columnNames();
        if (!Arrays.asList(fields).equals(expected)) {
            throw new DatasetException(dataFile, line,
                    "the header " + Arrays.asList(fields) + " does not match the schema columns " + expected);
        }
    }

    /** A side table (header required) keyed by its key column: per key, the taken columns' values in order. */
    private void readSideTable(DelimitedReader records, Path file, SideTable join, Map<String, String[]> byKey) {
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
        Map<String, String> interned = new HashMap<>(); // side tables repeat few distinct values in many rows
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
            String[] row = new String[taken.length];
            for (int j = 0; j < taken.length; j++) {
                String value = fields[taken[j]];
                ColumnSpec spec = join.columns().get(j);
                if (spec.role() == ColumnRole.NUMERIC && !format.isMissing(value) && !DecimalText.isDecimal(value)) {
                    throw new DatasetException(file, line, "column '" + spec.name() + "' is numeric but has '" + value
                            + "'");
                }
                row[j] = interned.computeIfAbsent(value, v -> v);
            }
            byKey.put(key, row);
        }
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
        return new DatasetException(file, 0, "cannot read the data file: " + io.mptrec.model.format.Failures.reason(e),
                e);
    }

    /** The next record, a quoting error as a DatasetException at its line. */
    static String[] next(DelimitedReader records, Path file) {
        try {
            return records.next();
        } catch (DelimitedReader.MalformedException e) {
            throw new DatasetException(file, e.line(), e.getMessage(), e);
        }
    }
}

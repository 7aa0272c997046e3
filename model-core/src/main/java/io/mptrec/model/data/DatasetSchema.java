package io.mptrec.model.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a data file contains and how to read, label and split it. Loaded from a JSON schema file; the
 * format is documented in model-core/README.md, section "Dataset schema files".
 *
 * @param file                default data file, relative to the schema file's folder; may be null
 * @param labels              task name to {@link LabelExpression} source, in task order
 * @param columns             the data file's columns, in file order
 * @param labelsMayReadInputs the opt-in that lets a label read a numeric or categorical column: off, a label reads
 *                            only ignored columns, since a model that sees its own answer scores garbage in production
 * @param joins               side tables joined by key; their columns follow the data file's, in join order
 * @param userColumn          the column that names the user of a row, for GAUC (per-user AUC); null when none
 */
public record DatasetSchema(String name, String file, FileFormat format, List<ColumnSpec> columns,
                            Map<String, String> labels, SplitRule split, boolean labelsMayReadInputs,
                            List<SideTable> joins, String userColumn) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public DatasetSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(split, "split");
        columns = List.copyOf(columns);
        joins = List.copyOf(joins);
        // Map.copyOf would lose the task order, which decides the task index in the model.
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        Set<String> fileColumns = new HashSet<>();
        columns.forEach(c -> fileColumns.add(c.name()));
        Set<String> names = new HashSet<>();
        for (ColumnSpec column : allColumns(columns, joins)) {
            if (!names.add(column.name())) {
                throw new IllegalArgumentException("duplicate column '" + column.name() + "'");
            }
        }
        for (SideTable join : joins) {
            if (!fileColumns.contains(join.key())) {
                throw new IllegalArgumentException("the join key '" + join.key() + "' of " + join.file()
                        + " is not a column of the data file");
            }
        }
        if (userColumn != null && !names.contains(userColumn)) {
            throw new IllegalArgumentException("the user column '" + userColumn + "' is not a column of the schema");
        }
        for (String column : split.columns()) {
            if (!names.contains(column)) {
                throw new IllegalArgumentException("the split reads column '" + column + "', which the schema lacks");
            }
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("no labels");
        }
        Map<String, ColumnRole> roles = new HashMap<>();
        allColumns(columns, joins).forEach(c -> roles.put(c.name(), c.role()));
        labels.forEach((task, expression) -> {
            LabelExpression parsed = LabelExpression.parse(expression, names);
            if (!labelsMayReadInputs) {
                requireNoInputs(task, parsed, roles);
            }
        });
    }

    /** A schema without a user column. */
    public DatasetSchema(String name, String file, FileFormat format, List<ColumnSpec> columns,
                         Map<String, String> labels, SplitRule split, boolean labelsMayReadInputs,
                         List<SideTable> joins) {
        this(name, file, format, columns, labels, split, labelsMayReadInputs, joins, null);
    }

    /** A schema of one file (no side tables). */
    public DatasetSchema(String name, String file, FileFormat format, List<ColumnSpec> columns,
                         Map<String, String> labels, SplitRule split, boolean labelsMayReadInputs) {
        this(name, file, format, columns, labels, split, labelsMayReadInputs, List.of());
    }

    /** A schema of one file whose labels read only ignored columns (the usual case). */
    public DatasetSchema(String name, String file, FileFormat format, List<ColumnSpec> columns,
                         Map<String, String> labels, SplitRule split) {
        this(name, file, format, columns, labels, split, false);
    }

    private static List<ColumnSpec> allColumns(List<ColumnSpec> columns, List<SideTable> joins) {
        List<ColumnSpec> all = new ArrayList<>(columns);
        joins.forEach(join -> all.addAll(join.columns()));
        return all;
    }

    /** The data file's columns, then each side table's, in join order: every column a row has. */
    public List<ColumnSpec> allColumns() {
        return allColumns(columns, joins);
    }

    /**
     * Refuses a label that reads an input column: the feature would give the model the answer during training, and
     * nothing of the kind exists when a request is scored.
     */
    private static void requireNoInputs(String task, LabelExpression label, Map<String, ColumnRole> roles) {
        for (String column : label.columns()) {
            ColumnRole role = roles.get(column);
            if (role != ColumnRole.IGNORED) {
                throw new IllegalArgumentException("label '" + task + "' reads column '" + column + "', which is "
                        + role.jsonName() + ": a label may read only ignored columns (make '" + column
                        + "' ignored, or set \"labelsMayReadInputs\": true if the label really is known when scoring)");
            }
        }
    }

    /**
     * Reads and validates a schema file.
     *
     * @throws DatasetException naming the schema file, the line of the offending JSON value and the reason
     */
    public static DatasetSchema load(Path schemaFile) {
        String text;
        try {
            text = Files.readString(schemaFile);
        } catch (IOException e) {
            throw new DatasetException(schemaFile, 0, "cannot read the schema file: " + (e instanceof java.nio.file.NoSuchFileException
                    ? "no such file" : e.getMessage()), e);
        }
        return new Reader(schemaFile).read(text);
    }

    public List<String> numericFeatures() {
        return columnsWithRole(ColumnRole.NUMERIC);
    }

    public List<String> categoricalFeatures() {
        return columnsWithRole(ColumnRole.CATEGORICAL);
    }

    /** Where each numeric feature stands in a row of {@link #allColumns()}, in feature order. */
    public int[] numericPositions() {
        return positions(numericFeatures());
    }

    /** Where each categorical feature stands in a row of {@link #allColumns()}, in feature order. */
    public int[] categoricalPositions() {
        return positions(categoricalFeatures());
    }

    /** Where the user column stands in a row of {@link #allColumns()}, or -1 when the schema names none. */
    public int userPosition() {
        return userColumn() == null ? -1 : positions(List.of(userColumn()))[0];
    }

    private int[] positions(List<String> features) {
        List<String> names = allColumns().stream().map(ColumnSpec::name).toList();
        return features.stream().mapToInt(names::indexOf).toArray();
    }

    /** The data file's column names, in file order (without side-table columns). */
    public List<String> columnNames() {
        return columns.stream().map(ColumnSpec::name).toList();
    }

    /** The minimum train count of a categorical column's values (1 when the schema sets none). */
    public int minCount(String column) {
        return column(column).minCount();
    }

    /** A column by name, side-table columns included. */
    public ColumnSpec column(String name) {
        return allColumns().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown column '" + name + "'"));
    }

    /** The parsed label expressions, in task order. */
    public Map<String, LabelExpression> labelExpressions() {
        Set<String> names = new HashSet<>(allColumns().stream().map(ColumnSpec::name).toList());
        Map<String, LabelExpression> parsed = new LinkedHashMap<>();
        labels.forEach((task, expression) -> parsed.put(task, LabelExpression.parse(expression, names)));
        return Collections.unmodifiableMap(parsed);
    }

    /**
     * The schema as JSON with sorted keys, no whitespace and every default filled in, for fingerprints.
     * Left out: "file", since the data file's bytes are hashed on their own and a moved file is the same
     * data. Labels are written as an array of {"expression", "task"} objects because their order matters.
     */
    public String canonicalJson() {
        Map<String, Object> formatMap = new TreeMap<>();
        formatMap.put("delimiter", format.delimiter());
        formatMap.put("header", format.header());
        formatMap.put("encoding", format.encoding());
        formatMap.put("gzip", format.gzip());
        formatMap.put("missingTokens", format.missingTokens());
        formatMap.put("trim", format.trim());
        List<Map<String, Object>> columnList = canonicalColumns(columns);
        List<Map<String, Object>> labelList = labels.entrySet().stream()
                .map(e -> Map.<String, Object>of("task", e.getKey(), "expression", e.getValue())).toList();
        Map<String, Object> splitMap = new TreeMap<>();
        if (split instanceof SplitRule.Modulo modulo) {
            splitMap.put("type", "modulo");
            splitMap.put("modulus", modulo.modulus());
            splitMap.put("validation", modulo.validation());
            splitMap.put("test", modulo.test());
        } else if (split instanceof SplitRule.Ratio ratio) {
            splitMap.put("type", "ratio");
            splitMap.put("seed", ratio.seed());
            splitMap.put("validation", ratio.validation());
            splitMap.put("test", ratio.test());
        } else if (split instanceof SplitRule.Range range) {
            splitMap.put("type", "range");
            splitMap.put("column", range.column());
            splitMap.put("train", canonicalBounds(range.train()));
            splitMap.put("validation", canonicalBounds(range.validation()));
            splitMap.put("test", canonicalBounds(range.test()));
        }
        Map<String, Object> root = new TreeMap<>();
        root.put("name", name);
        root.put("format", formatMap);
        root.put("columns", columnList);
        root.put("labels", labelList);
        root.put("split", splitMap);
        if (labelsMayReadInputs) {
            root.put("labelsMayReadInputs", true); // absent when off, so that existing fingerprints stay the same
        }
        if (userColumn != null) {
            root.put("userColumn", userColumn); // absent when none, so that existing fingerprints stay the same
        }
        if (!joins.isEmpty()) { // absent when none, likewise; the side tables' file names are left out as "file" is
            root.put("joins", joins.stream().map(join -> Map.<String, Object>of("key", join.key(),
                    "columns", canonicalColumns(join.columns()))).toList());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * name and role; minCount only where it is not 1, encoding and bins only for a binned encoding (so that schemas
     * written before them keep their fingerprint).
     */
    private static List<Map<String, Object>> canonicalColumns(List<ColumnSpec> columns) {
        return columns.stream().map(c -> {
            Map<String, Object> column = new TreeMap<>();
            column.put("name", c.name());
            column.put("role", c.role().jsonName());
            if (c.minCount() != 1) {
                column.put("minCount", c.minCount());
            }
            if (c.encoding().binned()) {
                column.put("encoding", c.encoding().jsonName());
                column.put("bins", c.bins());
            }
            return column;
        }).toList();
    }

    /** Plain decimal text (no exponent, no trailing zeros), so that 20220425 and "20220425.0" are the same bound. */
    private static List<String> canonicalBounds(SplitRule.Range.Bounds bounds) {
        return List.of(plain(bounds.from()), plain(bounds.to()));
    }

    private static String plain(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    private List<String> columnsWithRole(ColumnRole role) {
        return allColumns().stream().filter(c -> c.role() == role).map(ColumnSpec::name).toList();
    }

    /**
     * Builds the JSON tree itself so that it remembers the line of every value (Jackson's tree forgets
     * locations), then checks it field by field. Unknown keys are errors so that a typo is not ignored.
     */
    private static final class Reader {
        private final Path schemaFile;
        private final Map<String, Long> lines = new HashMap<>();

        Reader(Path schemaFile) {
            this.schemaFile = schemaFile;
        }

        DatasetSchema read(String text) {
            JsonNode root;
            try (JsonParser parser = new JsonFactory().createParser(text)) {
                if (parser.nextToken() == null) {
                    throw new DatasetException(schemaFile, 1, "empty schema file");
                }
                root = node(parser, "");
                if (parser.nextToken() != null) {
                    throw fail(parser.currentTokenLocation().getLineNr(), "unexpected content after the schema object");
                }
            } catch (JsonProcessingException e) {
                throw new DatasetException(schemaFile, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                        "invalid JSON: " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new DatasetException(schemaFile, 0, "cannot read the schema file: " + (e instanceof java.nio.file.NoSuchFileException
                    ? "no such file" : e.getMessage()), e);
            }
            ObjectNode object = object(root, "");
            allowKeys(object, "", "name", "file", "format", "columns", "labels", "split", "labelsMayReadInputs", "joins",
                    "userColumn");
            String name = string(required(object, "", "name"), "/name");
            if (name.isBlank()) {
                throw fail("/name", "the dataset needs a name (it is recorded in every artifact's lineage)");
            }
            String file = object.hasNonNull("file") ? string(object.get("file"), "/file") : null;
            FileFormat format = format(object.get("format"));
            List<ColumnSpec> fileColumns = columns(required(object, "", "columns"), "/columns", Set.of());
            List<SideTable> joins = object.has("joins") ? joins(object.get("joins"), fileColumns) : List.of();
            boolean labelsMayReadInputs = object.has("labelsMayReadInputs")
                    && bool(object.get("labelsMayReadInputs"), "/labelsMayReadInputs");
            List<ColumnSpec> columns = allColumns(fileColumns, joins);
            Map<String, String> labels = labels(required(object, "", "labels"), columns, labelsMayReadInputs);
            SplitRule split = split(required(object, "", "split"), columns);
            String userColumn = null;
            if (object.hasNonNull("userColumn")) {
                userColumn = string(object.get("userColumn"), "/userColumn");
                String named = userColumn;
                if (columns.stream().noneMatch(c -> c.name().equals(named))) {
                    throw fail("/userColumn", "unknown column '" + userColumn + "'");
                }
            }
            try {
                return new DatasetSchema(name, file, format, fileColumns, labels, split, labelsMayReadInputs, joins,
                        userColumn);
            } catch (IllegalArgumentException e) {
                throw fail(0, e.getMessage()); // each rule is checked above with its line; this is a safety net
            }
        }

        private FileFormat format(JsonNode node) {
            if (node == null) {
                return new FileFormat(",", false, "UTF-8", null, List.of(), false);
            }
            ObjectNode format = object(node, "/format");
            allowKeys(format, "/format", "delimiter", "header", "encoding", "gzip", "missingTokens", "trim");
            String delimiter = format.has("delimiter") ? string(format.get("delimiter"), "/format/delimiter") : ",";
            if (delimiter.isEmpty()) {
                throw fail("/format/delimiter", "the delimiter must not be empty");
            }
            String encoding = format.has("encoding") ? string(format.get("encoding"), "/format/encoding") : "UTF-8";
            if (!Charset.isSupported(encoding)) {
                throw fail("/format/encoding", "unknown encoding '" + encoding + "'");
            }
            Boolean gzip = format.hasNonNull("gzip") ? bool(format.get("gzip"), "/format/gzip") : null;
            List<String> missing = new ArrayList<>();
            if (format.has("missingTokens")) {
                ArrayNode tokens = array(format.get("missingTokens"), "/format/missingTokens");
                for (int i = 0; i < tokens.size(); i++) {
                    missing.add(string(tokens.get(i), "/format/missingTokens/" + i));
                }
            }
            return new FileFormat(delimiter,
                    format.has("header") && bool(format.get("header"), "/format/header"),
                    encoding, gzip, missing,
                    format.has("trim") && bool(format.get("trim"), "/format/trim"));
        }

        private List<SideTable> joins(JsonNode node, List<ColumnSpec> fileColumns) {
            ArrayNode array = array(node, "/joins");
            List<SideTable> joins = new ArrayList<>();
            Set<String> taken = new HashSet<>(fileColumns.stream().map(ColumnSpec::name).toList());
            for (int i = 0; i < array.size(); i++) {
                String at = "/joins/" + i;
                ObjectNode join = object(array.get(i), at);
                allowKeys(join, at, "file", "key", "columns");
                String file = string(required(join, at, "file"), at + "/file");
                if (file.isBlank()) {
                    throw fail(at + "/file", "empty file name");
                }
                String key = string(required(join, at, "key"), at + "/key");
                if (fileColumns.stream().noneMatch(c -> c.name().equals(key))) {
                    throw fail(at + "/key", "the join key '" + key + "' is not a column of the data file");
                }
                List<ColumnSpec> columns = columns(required(join, at, "columns"), at + "/columns", taken);
                columns.forEach(c -> taken.add(c.name()));
                joins.add(new SideTable(file, key, columns));
            }
            return joins;
        }

        /** @param taken names of columns listed before, which these may not repeat */
        private List<ColumnSpec> columns(JsonNode node, String pointer, Set<String> taken) {
            ArrayNode array = array(node, pointer);
            if (array.isEmpty()) {
                throw fail(pointer, "no columns");
            }
            List<ColumnSpec> columns = new ArrayList<>();
            Set<String> names = new HashSet<>(taken);
            for (int i = 0; i < array.size(); i++) {
                String at = pointer + "/" + i;
                ObjectNode column = object(array.get(i), at);
                allowKeys(column, at, "name", "role", "minCount", "encoding", "bins");
                String name = string(required(column, at, "name"), at + "/name");
                if (name.isBlank()) {
                    throw fail(at + "/name", "empty column name");
                }
                if (!names.add(name)) {
                    throw fail(at + "/name", "duplicate column '" + name + "'");
                }
                String role = string(required(column, at, "role"), at + "/role");
                ColumnRole parsed = ColumnRole.fromJsonName(role).orElseThrow(() -> fail(at + "/role",
                        "unknown role '" + role + "' of column '" + name + "' (numeric, categorical or ignored)"));
                int minCount = 1;
                if (column.has("minCount")) {
                    minCount = integer(column.get("minCount"), at + "/minCount");
                    if (parsed != ColumnRole.CATEGORICAL) {
                        throw fail(at + "/minCount", "minCount applies to categorical columns only; '" + name + "' is "
                                + role);
                    }
                    if (minCount < 1) {
                        throw fail(at + "/minCount", "minCount must be at least 1, was " + minCount);
                    }
                }
                NumericEncoding encoding = NumericEncoding.SCALED;
                if (column.has("encoding")) {
                    String text = string(column.get("encoding"), at + "/encoding");
                    encoding = NumericEncoding.fromJsonName(text).orElseThrow(() -> fail(at + "/encoding",
                            "unknown encoding '" + text + "' of column '" + name
                                    + "' (scaled, piecewise_linear or quantile_bucket)"));
                    if (parsed != ColumnRole.NUMERIC) {
                        throw fail(at + "/encoding", "encoding applies to numeric columns only; '" + name + "' is "
                                + role);
                    }
                }
                int bins = encoding.binned() ? NumericEncoding.DEFAULT_BINS : 0;
                if (column.has("bins")) {
                    if (!encoding.binned()) {
                        throw fail(at + "/bins", "bins apply to the piecewise_linear and quantile_bucket encodings only");
                    }
                    bins = integer(column.get("bins"), at + "/bins");
                    if (bins < 2 || bins > NumericEncoding.MAX_BINS) {
                        throw fail(at + "/bins", "bins must be 2 to " + NumericEncoding.MAX_BINS + ", was " + bins);
                    }
                }
                columns.add(new ColumnSpec(name, parsed, minCount, encoding, bins));
            }
            return columns;
        }

        private Map<String, String> labels(JsonNode node, List<ColumnSpec> columns, boolean mayReadInputs) {
            ObjectNode object = object(node, "/labels");
            if (object.isEmpty()) {
                throw fail("/labels", "no labels");
            }
            Set<String> names = new HashSet<>();
            Map<String, ColumnRole> roles = new HashMap<>();
            columns.forEach(c -> {
                names.add(c.name());
                roles.put(c.name(), c.role());
            });
            Map<String, String> labels = new LinkedHashMap<>();
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String task = it.next();
                String at = "/labels/" + task;
                String expression = string(object.get(task), at);
                LabelExpression parsed;
                try {
                    parsed = LabelExpression.parse(expression, names);
                } catch (IllegalArgumentException e) {
                    throw fail(at, "label '" + task + "': " + e.getMessage());
                }
                if (!mayReadInputs) {
                    try {
                        requireNoInputs(task, parsed, roles);
                    } catch (IllegalArgumentException e) {
                        throw fail(at, e.getMessage());
                    }
                }
                labels.put(task, expression);
            }
            return labels;
        }

        private SplitRule split(JsonNode node, List<ColumnSpec> columns) {
            ObjectNode split = object(node, "/split");
            String type = string(required(split, "/split", "type"), "/split/type");
            try {
                switch (type) {
                    case "modulo" -> {
                        allowKeys(split, "/split", "type", "modulus", "validation", "test");
                        return new SplitRule.Modulo(integer(required(split, "/split", "modulus"), "/split/modulus"),
                                integers(required(split, "/split", "validation"), "/split/validation"),
                                integers(required(split, "/split", "test"), "/split/test"));
                    }
                    case "ratio" -> {
                        allowKeys(split, "/split", "type", "seed", "validation", "test");
                        JsonNode seed = required(split, "/split", "seed");
                        if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
                            throw fail("/split/seed", "the seed must be an integer");
                        }
                        return new SplitRule.Ratio(seed.longValue(),
                                number(required(split, "/split", "validation"), "/split/validation"),
                                number(required(split, "/split", "test"), "/split/test"));
                    }
                    case "range" -> {
                        allowKeys(split, "/split", "type", "column", "train", "validation", "test");
                        String column = string(required(split, "/split", "column"), "/split/column");
                        if (columns.stream().noneMatch(c -> c.name().equals(column))) {
                            throw fail("/split/column", "unknown column '" + column + "'");
                        }
                        return new SplitRule.Range(column, bounds(split, "train"), bounds(split, "validation"),
                                bounds(split, "test"));
                    }
                    default -> throw fail("/split/type", "unknown split type '" + type + "' (modulo, ratio or range)");
                }
            } catch (IllegalArgumentException e) {
                throw fail("/split", "invalid split: " + e.getMessage());
            }
        }

        /** [from, to] as two numbers or two strings holding decimal numbers. */
        private SplitRule.Range.Bounds bounds(ObjectNode split, String key) {
            String at = "/split/" + key;
            ArrayNode array = array(required(split, "/split", key), at);
            if (array.size() != 2) {
                throw fail(at, "expected [from, to], inclusive");
            }
            BigDecimal[] ends = new BigDecimal[2];
            for (int i = 0; i < 2; i++) {
                JsonNode end = array.get(i);
                String text = end.isNumber() ? end.decimalValue().toPlainString() : end.isTextual() ? end.textValue() : null;
                if (text == null || !DecimalText.isDecimal(text)) {
                    throw fail(at + "/" + i, "expected a number (or a string holding one), e.g. \"20220425\"");
                }
                ends[i] = new BigDecimal(text);
            }
            try {
                return new SplitRule.Range.Bounds(ends[0], ends[1]);
            } catch (IllegalArgumentException e) {
                throw fail(at, key + " " + e.getMessage());
            }
        }

        // --- the tree with locations ---

        private JsonNode node(JsonParser parser, String pointer) throws IOException {
            lines.put(pointer, (long) parser.currentTokenLocation().getLineNr());
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            JsonToken token = parser.currentToken();
            switch (token) {
                case START_OBJECT -> {
                    ObjectNode object = nodes.objectNode();
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String key = parser.currentName();
                        long line = parser.currentTokenLocation().getLineNr();
                        if (object.has(key)) {
                            throw fail(line, "duplicate key '" + key + "'");
                        }
                        parser.nextToken();
                        object.set(key, node(parser, pointer + "/" + key));
                    }
                    return object;
                }
                case START_ARRAY -> {
                    ArrayNode array = nodes.arrayNode();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        array.add(node(parser, pointer + "/" + array.size()));
                    }
                    return array;
                }
                case VALUE_STRING -> {
                    return nodes.textNode(parser.getText());
                }
                case VALUE_NUMBER_INT -> {
                    return nodes.numberNode(parser.getBigIntegerValue());
                }
                case VALUE_NUMBER_FLOAT -> {
                    return nodes.numberNode(parser.getDecimalValue());
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    return nodes.booleanNode(parser.getBooleanValue());
                }
                case VALUE_NULL -> {
                    return nodes.nullNode();
                }
                default -> throw fail(parser.currentTokenLocation().getLineNr(), "unexpected JSON token " + token);
            }
        }

        // --- typed access, each failure naming the line of the value ---

        private JsonNode required(ObjectNode object, String pointer, String key) {
            JsonNode value = object.get(key);
            if (value == null || value.isNull()) {
                throw fail(pointer, "missing '" + key + "'");
            }
            return value;
        }

        private void allowKeys(ObjectNode object, String pointer, String... keys) {
            Set<String> allowed = new LinkedHashSet<>(List.of(keys));
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    throw fail(pointer + "/" + key, "unknown key '" + key + "' (allowed: " + String.join(", ", allowed) + ")");
                }
            }
        }

        private ObjectNode object(JsonNode node, String pointer) {
            if (!(node instanceof ObjectNode object)) {
                throw fail(pointer, "expected an object");
            }
            return object;
        }

        private ArrayNode array(JsonNode node, String pointer) {
            if (!(node instanceof ArrayNode array)) {
                throw fail(pointer, "expected an array");
            }
            return array;
        }

        private String string(JsonNode node, String pointer) {
            if (!node.isTextual()) {
                throw fail(pointer, "expected a string");
            }
            return node.textValue();
        }

        private boolean bool(JsonNode node, String pointer) {
            if (!node.isBoolean()) {
                throw fail(pointer, "expected true or false");
            }
            return node.booleanValue();
        }

        private int integer(JsonNode node, String pointer) {
            if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                throw fail(pointer, "expected an integer");
            }
            return node.intValue();
        }

        private List<Integer> integers(JsonNode node, String pointer) {
            ArrayNode array = array(node, pointer);
            List<Integer> values = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                values.add(integer(array.get(i), pointer + "/" + i));
            }
            return values;
        }

        private double number(JsonNode node, String pointer) {
            if (!node.isNumber()) {
                throw fail(pointer, "expected a number");
            }
            return node.doubleValue();
        }

        private DatasetException fail(String pointer, String reason) {
            return fail(lines.getOrDefault(pointer, 0L), reason);
        }

        private DatasetException fail(long line, String reason) {
            return new DatasetException(schemaFile, line, reason);
        }
    }
}

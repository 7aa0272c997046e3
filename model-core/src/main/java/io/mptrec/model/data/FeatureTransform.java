package io.mptrec.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Turns raw rows into network input: encoded numbers ({@link NumericEncoding}) and vocabulary indices, both fitted on
 * the training split only so that validation and test stay unseen. Part of the frozen encoder.
 *
 * @param missingTokens values that mean "missing" in rows a server receives ({@link RawEncoder}), as in the data file
 */
public record FeatureTransform(List<NumericScaling> numeric, List<Vocabulary> categorical, List<String> missingTokens) {

    public FeatureTransform {
        numeric = List.copyOf(numeric);
        categorical = List.copyOf(categorical);
        missingTokens = List.copyOf(missingTokens);
    }

    /**
     * Statistics of {@code trainRows} only; a field missing in all of them scales everything to 0. A categorical
     * field's vocabulary holds the values seen at least its schema's minCount times (default 1) in those rows.
     */
    public static FeatureTransform fit(Dataset data, int[] trainRows) {
        Fitter fitter = new Fitter(data.schema());
        float[] numbers = new float[data.numericFeatures().size()];
        String[] categories = new String[data.categoricalFeatures().size()];
        for (int row : trainRows) {
            for (int f = 0; f < numbers.length; f++) {
                numbers[f] = data.numeric(row, f);
            }
            for (int f = 0; f < categories.length; f++) {
                categories[f] = data.categorical(row, f);
            }
            fitter.add(numbers, categories);
        }
        return fitter.transform();
    }

    /**
     * Fits a transform one training row at a time, in memory that grows with the distinct categorical values, not
     * with the rows: min and max per numeric field, a count per categorical value, and a bounded sample of each binned
     * field's values for its quantiles.
     */
    public static final class Fitter {
        /** Training values a binned field's quantiles are taken from, at most; beyond, a uniform sample of them. */
        static final int SAMPLE_CAPACITY = 1 << 18;
        private static final long SAMPLE_SEED = 20221128L;
        private final DatasetSchema schema;
        private final float[] min;
        private final float[] max;
        private final List<Map<String, Integer>> counts = new ArrayList<>();
        /** Per binned numeric field a uniform sample of its training values (all of them up to the capacity), else null. */
        private final float[][] samples;
        private final long[] seen;
        private final SplittableRandom random = new SplittableRandom(SAMPLE_SEED);

        public Fitter(DatasetSchema schema) {
            this.schema = schema;
            int numericFields = schema.numericFeatures().size();
            this.min = new float[numericFields];
            this.max = new float[numericFields];
            Arrays.fill(min, Float.POSITIVE_INFINITY);
            Arrays.fill(max, Float.NEGATIVE_INFINITY);
            for (int f = 0; f < schema.categoricalFeatures().size(); f++) {
                counts.add(new HashMap<>());
            }
            this.samples = new float[numericFields][];
            this.seen = new long[numericFields];
            for (int f = 0; f < numericFields; f++) {
                if (schema.column(schema.numericFeatures().get(f)).encoding().binned()) {
                    samples[f] = new float[1024];
                }
            }
        }

        /**
         * @param numbers    per numeric field, the value (NaN when missing)
         * @param categories per categorical field, the value (null when missing)
         */
        public void add(float[] numbers, String[] categories) {
            for (int f = 0; f < numbers.length; f++) {
                float v = numbers[f];
                if (!Float.isNaN(v)) {
                    min[f] = Math.min(min[f], v);
                    max[f] = Math.max(max[f], v);
                    if (samples[f] != null) {
                        sample(f, v);
                    }
                }
            }
            for (int f = 0; f < categories.length; f++) {
                if (categories[f] != null) {
                    counts.get(f).merge(categories[f], 1, Integer::sum);
                }
            }
        }

        /** Reservoir sampling (algorithm R): quantiles of a large file from a fixed memory, the same on every run. */
        private void sample(int f, float v) {
            long i = seen[f]++;
            if (i < SAMPLE_CAPACITY) {
                if (i == samples[f].length) {
                    samples[f] = Arrays.copyOf(samples[f], (int) Math.min(SAMPLE_CAPACITY, 2L * i));
                }
                samples[f][(int) i] = v;
            } else {
                long j = random.nextLong(i + 1);
                if (j < SAMPLE_CAPACITY) {
                    samples[f][(int) j] = v;
                }
            }
        }

        public FeatureTransform transform() {
            List<NumericScaling> scalings = new ArrayList<>();
            List<String> numericNames = schema.numericFeatures();
            for (int f = 0; f < numericNames.size(); f++) {
                ColumnSpec column = schema.column(numericNames.get(f));
                float[] sorted = samples[f] == null ? new float[0]
                        : Arrays.copyOf(samples[f], (int) Math.min(seen[f], SAMPLE_CAPACITY));
                Arrays.sort(sorted);
                boolean any = min[f] <= max[f];
                scalings.add(NumericScaling.fit(numericNames.get(f), any ? min[f] : 0f, any ? max[f] : 0f,
                        column.encoding(), column.bins(), sorted));
            }
            List<Vocabulary> vocabularies = new ArrayList<>();
            List<String> categoricalNames = schema.categoricalFeatures();
            for (int f = 0; f < categoricalNames.size(); f++) {
                // Rarer values share the unseen slot: an id seen a few times would get an embedding trained on nothing.
                int minCount = schema.minCount(categoricalNames.get(f));
                TreeSet<String> kept = new TreeSet<>();
                counts.get(f).forEach((value, count) -> {
                    if (count >= minCount) {
                        kept.add(value);
                    }
                });
                vocabularies.add(new Vocabulary(categoricalNames.get(f), List.copyOf(kept)));
            }
            return new FeatureTransform(scalings, vocabularies, schema.format().missingTokens());
        }
    }

    /**
     * @throws InputMismatchException when {@code data}'s numeric or categorical columns are not this transform's, in
     *                                the same order (it reads them by position)
     */
    public EncodedRows encode(Dataset data, int[] rows) {
        requireInputs(data.numericFeatures(), data.categoricalFeatures());
        int fn = numericWidth();
        int fc = categoricalWidth();
        float[] x = new float[rows.length * fn];
        int[] c = new int[rows.length * fc];
        float[] numbers = new float[numeric.size()];
        String[] categories = new String[categorical.size()];
        for (int i = 0; i < rows.length; i++) {
            for (int f = 0; f < numbers.length; f++) {
                numbers[f] = data.numeric(rows[i], f);
            }
            for (int f = 0; f < categories.length; f++) {
                categories[f] = data.categorical(rows[i], f);
            }
            encodeRow(numbers, categories, x, i * fn, c, i * fc);
        }
        return new EncodedRows(rows.length, fn, fc, x, c);
    }

    /**
     * One row into network input at the given offsets.
     *
     * @param numbers    per numeric field, the value (NaN when missing)
     * @param categories per categorical field, the value (null when missing)
     */
    public void encodeRow(float[] numbers, String[] categories, float[] x, int xOffset, int[] c, int cOffset) {
        for (int f = 0; f < categories.length; f++) {
            c[cOffset + f] = categorical.get(f).indexOf(categories[f]);
        }
        encodeNumbers(numbers, x, xOffset, c, cOffset);
    }

    /**
     * A row's numeric fields into network input: the numeric columns at {@code x[xOffset]}, and the bucket fields'
     * indices after the categorical fields' at {@code c[cOffset + categorical().size()]}.
     *
     * @param numbers per numeric field, the value (NaN when missing)
     */
    public void encodeNumbers(float[] numbers, float[] x, int xOffset, int[] c, int cOffset) {
        int at = xOffset;
        int bucket = cOffset + categorical.size();
        for (int f = 0; f < numbers.length; f++) {
            NumericScaling field = numeric.get(f);
            if (field.encoding() == NumericEncoding.QUANTILE_BUCKET) {
                c[bucket++] = field.bucket(numbers[f]);
            } else {
                field.encode(numbers[f], x, at);
                at += field.width();
            }
        }
    }

    /**
     * The input contract: a dataset's numeric and categorical columns, each in order, must be the ones this transform
     * was fitted on (names and roles; ignored columns are free). Checked before any row is encoded.
     *
     * @throws InputMismatchException naming the first column that differs
     */
    public void requireInputs(List<String> numericFields, List<String> categoricalFields) {
        List<String> expectedNumeric = numeric.stream().map(NumericScaling::field).toList();
        List<String> expectedCategorical = categorical.stream().map(Vocabulary::field).toList();
        if (expectedNumeric.equals(numericFields) && expectedCategorical.equals(categoricalFields)) {
            return;
        }
        mismatch("numeric", expectedNumeric, numericFields, "categorical", categoricalFields);
        mismatch("categorical", expectedCategorical, categoricalFields, "numeric", numericFields);
    }

    /**
     * The input contract of a file of raw rows (a header row), where columns are found by name: every column the
     * encoder reads must be there; other columns are free.
     *
     * @throws InputMismatchException naming the first of the encoder's columns that {@code columns} lacks
     */
    public void requireColumns(java.util.Collection<String> columns) {
        for (NumericScaling n : numeric) {
            if (!columns.contains(n.field())) {
                throw new InputMismatchException(n.field(), "the encoder reads it as numeric; the input has no such column");
            }
        }
        for (Vocabulary v : categorical) {
            if (!columns.contains(v.field())) {
                throw new InputMismatchException(v.field(), "the encoder reads it as categorical; the input has no such column");
            }
        }
    }

    private static void mismatch(String role, List<String> expected, List<String> actual, String otherRole,
                                 List<String> otherActual) {
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String want = i < expected.size() ? expected.get(i) : null;
            String got = i < actual.size() ? actual.get(i) : null;
            if (want != null && want.equals(got)) {
                continue;
            }
            if (want == null) {
                throw new InputMismatchException(got, "the schema has " + role + " column '" + got
                        + "' beyond the encoder's " + expected.size() + " " + role + " columns");
            }
            if (otherActual.contains(want)) {
                throw new InputMismatchException(want, "the encoder reads it as " + role + ", the schema as "
                        + otherRole);
            }
            if (!actual.contains(want)) {
                throw new InputMismatchException(want, "the encoder reads it as " + role + " column " + (i + 1)
                        + ", the schema has no " + role + " column of that name (ignored or absent)");
            }
            throw new InputMismatchException(want, "the encoder reads it as " + role + " column " + (i + 1)
                    + ", the schema lists it in another position (" + role + " column " + (actual.indexOf(want) + 1)
                    + ")");
        }
    }

    /**
     * Embedding-table rows per categorical field, in order: one per vocabulary value plus the unseen/missing row 0
     * ({@link Vocabulary#size()}). The embedding table stacks the fields' rows in this order.
     */
    public int[] embeddingRows() {
        return java.util.stream.IntStream.concat(categorical.stream().mapToInt(Vocabulary::size),
                buckets().stream().mapToInt(NumericScaling::bucketRows)).toArray();
    }

    /** Columns of encoded numeric input: one per scaled field, one per bin of a piecewise-linear field. */
    public int numericWidth() {
        return numeric.stream().mapToInt(NumericScaling::width).sum();
    }

    /** Fields of encoded categorical input: the categorical fields, then the quantile-bucket numeric fields. */
    public int categoricalWidth() {
        return categorical.size() + buckets().size();
    }

    /** Width of the input vector x: the numeric columns plus one embedding per categorical or bucket field. */
    public int inputWidth(int embeddingDim) {
        return numericWidth() + categoricalWidth() * embeddingDim;
    }

    /**
     * Every column of the data the encoder reads, where its input lies in x, in x's order: the numeric fields encoded
     * as numbers, the categorical fields, then the bucket fields (whose embeddings follow the categorical ones).
     */
    public List<InputField> inputFields(int embeddingDim) {
        List<InputField> fields = new ArrayList<>();
        int at = 0;
        for (NumericScaling n : numeric) {
            if (n.width() > 0) {
                fields.add(new InputField(n.field(), ColumnRole.NUMERIC, at, at + n.width()));
                at += n.width();
            }
        }
        for (Vocabulary v : categorical) {
            fields.add(new InputField(v.field(), ColumnRole.CATEGORICAL, at, at + embeddingDim));
            at += embeddingDim;
        }
        for (NumericScaling n : buckets()) {
            fields.add(new InputField(n.field(), ColumnRole.NUMERIC, at, at + embeddingDim));
            at += embeddingDim;
        }
        return fields;
    }

    /** Names of the encoded numeric columns, in order; a piecewise-linear field's bins are {@code field[t]}. */
    public List<String> numericColumnNames() {
        List<String> names = new ArrayList<>();
        for (NumericScaling n : numeric) {
            if (n.encoding() == NumericEncoding.PIECEWISE_LINEAR) {
                for (int t = 0; t < n.width(); t++) {
                    names.add(n.field() + "[" + t + "]");
                }
            } else if (n.width() == 1) {
                names.add(n.field());
            }
        }
        return names;
    }

    /** Names of the encoded categorical fields, in order: the categorical fields, then the bucket fields. */
    public List<String> categoricalColumnNames() {
        List<String> names = new ArrayList<>(categorical.stream().map(Vocabulary::field).toList());
        buckets().forEach(n -> names.add(n.field()));
        return names;
    }

    private List<NumericScaling> buckets() {
        return numeric.stream().filter(n -> n.encoding() == NumericEncoding.QUANTILE_BUCKET).toList();
    }

    /**
     * One column of the data in the network's input x.
     *
     * @param role  its role in the data (a bucket field is numeric there, though its input is an embedding)
     * @param start first column in x
     * @param end   one past its last column
     */
    public record InputField(String field, ColumnRole role, int start, int end) {
    }
}

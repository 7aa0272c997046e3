package io.mptrec.model.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mptrec.model.artifact.CanonicalJson;
import io.mptrec.model.artifact.NonInterference;
import java.util.List;

/**
 * What a task prompt relies on, measured over a sample of an evaluation split: the gate's split between the
 * task-specific and the shared representation, the attention over the existing tasks' prompts (stage 2), per-field
 * attributions by integrated gradients (with their completeness error) and by occlusion, and the
 * non-interference check. Written as canonical JSON ({@link #toJson()}: sorted keys, no whitespace); the schema is documented in the
 * model-core README, section "Contribution reports". Wall time is kept out, so equal inputs and seed give equal bytes.
 */
public record ContributionReport(
        int schemaVersion,
        String task,
        int stage,
        String promptSha256,
        String encoderSha256,
        String codeVersion,
        Evaluation evaluation,
        GateSplit gate,
        Attention attention,
        Attributions attributions,
        NonInterferenceResult nonInterference) {

    /** Written by this code. Version 2 added {@code attributions.baselineKind} and {@code baselineRows}. */
    public static final int SCHEMA_VERSION = 2;
    /** Read by this code: every version written so far (golden files of each in the test resources). */
    public static final java.util.Set<Integer> READABLE_VERSIONS = java.util.Set.of(1, 2);

    public ContributionReport {
        if (!READABLE_VERSIONS.contains(schemaVersion)) {
            throw new IllegalArgumentException("unknown contribution report schema version " + schemaVersion
                    + "; this code reads " + new java.util.TreeSet<>(READABLE_VERSIONS));
        }
        if (attributions != null) {
            boolean recorded = attributions.baselineKind() != null;
            if (schemaVersion == 1 && recorded) {
                throw new IllegalArgumentException("a schema version 1 report has no attributions.baselineKind");
            }
            if (schemaVersion >= 2 && (!recorded || attributions.baselineRows() == null)) {
                throw new IllegalArgumentException("attributions.baselineKind and baselineRows are required from"
                        + " schema version 2 on");
            }
        }
    }

    /** The evaluation rows: a sample of at most {@code requestedRows} rows of a split, drawn with {@code seed}. */
    public record Evaluation(String datasetName, String datasetFingerprint, String split, int splitRows,
                             int requestedRows, int sampleSize, long seed) {
    }

    /** Distribution of g[0], the weight of the task-specific part (g[1] = 1 - g[0] is the shared part). */
    public record GateSplit(double meanTaskSpecific, double meanShared, Quantiles taskSpecificQuantiles,
                            Histogram taskSpecificHistogram) {
    }

    /** Linear-interpolation quantiles (type 7). */
    public record Quantiles(double p05, double p25, double p50, double p75, double p95) {
    }

    /** Equal-width bins over [min, max]; bin i holds values in [min + i w, min + (i + 1) w), the last one also max. */
    public record Histogram(double min, double max, List<Integer> counts) {
        public Histogram {
            counts = List.copyOf(counts);
        }
    }

    /**
     * Stage 2 only: mean attention weight per existing task (in {@code tasks} order), overall and per value of a
     * categorical field.
     */
    public record Attention(String fusion, List<String> tasks, List<Double> mean, Slices slices) {
        public Attention {
            tasks = List.copyOf(tasks);
            mean = List.copyOf(mean);
        }
    }

    /**
     * The {@code top} most frequent values of {@code field} in the sample (ties by value), of {@code distinctValues};
     * {@code otherRows} rows have a value outside the top.
     */
    public record Slices(String field, int distinctValues, int otherRows, List<Slice> top) {
        public Slices {
            top = List.copyOf(top);
        }
    }

    /** One value of the slice field; {@value FeatureAttribution#UNSEEN} stands for values unseen in training or missing. */
    public record Slice(String value, int rows, List<Double> attention, double meanTaskSpecificGate) {
        public Slice {
            attention = List.copyOf(attention);
        }
    }

    /**
     * Per-field attributions of the logit, ranked by mean |integrated gradients| (rank 1 first).
     *
     * @param baseline the baseline in words
     * @param baselineKind an {@link AttributionBaseline#key()}; absent in schema version 1 (which always used
     *                     {@code zero}), so that a version 1 report reads and writes back byte for byte
     * @param baselineRows the input rows behind the baseline: 1 ({@code zero}), the train rows averaged
     *                     ({@code training-mean}), K ({@code expected-gradients}); absent in version 1
     * @param baselineLogit the logit at the baseline input (expected gradients: the mean over the K baselines)
     * @param occlusionRankCorrelation Spearman correlation of the fields' mean |IG| and mean |occlusion change|
     */
    public record Attributions(String method, String target, String baseline,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String baselineKind,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Integer baselineRows,
                               int steps, double baselineLogit,
                               List<FeatureAttribution> fields, Completeness completeness,
                               double occlusionRankCorrelation) {
        public Attributions {
            fields = List.copyOf(fields);
            if (baselineKind != null) {
                AttributionBaseline.of(baselineKind);
            }
        }

        /** The baseline used, for reports of every version (version 1 always used {@code zero}). */
        public AttributionBaseline baselineUsed() {
            return baselineKind == null ? AttributionBaseline.ZERO : AttributionBaseline.of(baselineKind);
        }
    }

    /**
     * One feature field. IG: mean over rows of |a| and of a, where a sums the field's input columns. Occlusion:
     * the change f(x) - f(x with the field at its baseline value), mean |.| and mean.
     */
    public record FeatureAttribution(String field, String kind, int rank, double meanAbsAttribution,
                                     double meanAttribution, int occlusionRank, double occlusionMeanAbsChange,
                                     double occlusionMeanChange) {
        public static final String UNSEEN = "(unseen or missing)";
    }

    /**
     * Completeness: per row e = |sum of the row's attributions - (f(x) - f(baseline))|.
     *
     * @param meanAbsOutputChange mean over rows of |f(x) - f(baseline)|
     * @param relativeError meanAbsError / meanAbsOutputChange (0 when the latter is 0)
     */
    public record Completeness(double meanAbsError, double maxAbsError, double meanAbsOutputChange,
                               double relativeError) {
    }

    /** {@code passed}, {@code failed} or {@code not-applicable} (stage 1), with the stored check (stage 2). */
    public record NonInterferenceResult(String status, NonInterference check) {
        public static NonInterferenceResult of(NonInterference check) {
            if (check == null) {
                return new NonInterferenceResult("not-applicable", null);
            }
            return new NonInterferenceResult(check.identical() ? "passed" : "failed", check);
        }
    }

    public String toJson() {
        return CanonicalJson.write(this);
    }

    /** Reads a report written by {@link #toJson()}; unknown keys and other schema versions are refused. */
    public static ContributionReport fromJson(String json) {
        try {
            ContributionReport report = CanonicalJson.READER.readerFor(ContributionReport.class)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .with(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readValue(json);
            if (report == null) { // the JSON literal null
                throw new IllegalArgumentException("the report is JSON null, not an object");
            }
            return report;
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            throw new IllegalArgumentException(e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            // Jackson's own message names Java classes; say which field, in the report's terms
            String field = jsonPath(e.getPath());
            throw new IllegalArgumentException(field.isEmpty()
                    ? "the body does not have the shape of a contribution report"
                    : "field " + field + " is unknown, repeated or of the wrong type", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            throw new IllegalArgumentException("the body is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        }
    }

    /** {@code nonInterference.checks[2].rows}: the path of a JSON value as a client would write it. */
    private static String jsonPath(java.util.List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path) {
        StringBuilder text = new StringBuilder();
        for (var reference : path) {
            if (reference.getFieldName() != null) {
                text.append(text.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                text.append('[').append(reference.getIndex()).append(']');
            }
        }
        return text.toString();
    }
}

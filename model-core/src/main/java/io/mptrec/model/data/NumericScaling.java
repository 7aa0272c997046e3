package io.mptrec.model.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The encoding of one numeric field, with statistics of the training split: its range, and for a binned encoding the
 * bin edges (quantiles of the training values). Manifests name the encoding and edges only for binned fields, so
 * encoders written before bins existed keep their content hash.
 *
 * @param edges binned encodings only: b_0 < b_1 < ... < b_T for T bins (ascending, or two equal edges for a field
 *              with a single value); empty for {@link NumericEncoding#SCALED}
 */
public record NumericScaling(String field, float min, float max,
                             @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NumericEncoding.ScaledFilter.class)
                             NumericEncoding encoding,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Float> edges) {

    public NumericScaling {
        Objects.requireNonNull(field, "field");
        if (!(min <= max)) {
            throw new IllegalArgumentException("min " + min + " > max " + max + " for field '" + field + "'");
        }
        encoding = encoding == null ? NumericEncoding.SCALED : encoding;
        edges = edges == null ? List.of() : List.copyOf(edges);
        if (!encoding.binned()) {
            if (!edges.isEmpty()) {
                throw new IllegalArgumentException("field '" + field + "' is scaled and takes no bin edges");
            }
        } else {
            if (edges.size() < 2) {
                throw new IllegalArgumentException("field '" + field + "' needs at least two bin edges, has " + edges.size());
            }
            if (edges.size() - 1 > NumericEncoding.MAX_BINS) {
                throw new IllegalArgumentException("field '" + field + "' has " + (edges.size() - 1) + " bins, at most "
                        + NumericEncoding.MAX_BINS);
            }
            boolean singleValue = edges.size() == 2 && edges.get(0).equals(edges.get(1));
            for (int i = 0; i < edges.size(); i++) {
                if (!Float.isFinite(edges.get(i)) || (i > 0 && !singleValue && !(edges.get(i - 1) < edges.get(i)))) {
                    throw new IllegalArgumentException("bin edges of '" + field + "' must be finite and ascending, were "
                            + edges);
                }
            }
        }
    }

    /** A scaled field. */
    public NumericScaling(String field, float min, float max) {
        this(field, min, max, NumericEncoding.SCALED, List.of());
    }

    /**
     * A field fitted on training values: their range, and for a binned encoding up to {@code bins} equal-frequency
     * bins. Equal values stay in one bin, and a value that fills a bin's share on its own gets a bin of its own (the
     * zeros of a column that is mostly 0), so the other bins go to the rest of the values rather than merging away.
     *
     * @param sorted the training values (or a uniform sample of them), ascending, without NaN; may be empty
     */
    public static NumericScaling fit(String field, float min, float max, NumericEncoding encoding, int bins,
                                     float[] sorted) {
        if (!encoding.binned()) {
            return new NumericScaling(field, min, max);
        }
        int n = sorted.length;
        if (n == 0) {
            return new NumericScaling(field, min, max, encoding, List.of(0f, 0f));
        }
        List<Float> edges = new ArrayList<>();
        edges.add(sorted[0]);
        int start = 0;
        for (int left = bins; left > 1 && start < n; left--) {
            int ideal = start + (n - start) / left;
            if (ideal >= n) {
                break;
            }
            // a bin holds whole runs of equal values: cut at the first value above the bin's first one if need be
            int cut = sorted[ideal] > sorted[start] ? firstAtLeast(sorted, sorted[ideal]) : firstAbove(sorted, sorted[start]);
            if (cut >= n || sorted[cut] == sorted[n - 1]) {
                break; // the last bin reaches the largest value
            }
            edges.add(sorted[cut]);
            start = cut;
        }
        edges.add(sorted[n - 1]);
        return new NumericScaling(field, min, max, encoding, edges);
    }

    private static int firstAtLeast(float[] sorted, float v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int firstAbove(float[] sorted, float v) {
        return firstAtLeast(sorted, Math.nextUp(v));
    }

    /** Bins of a binned field (0 when scaled). */
    public int bins() {
        return encoding.binned() ? edges.size() - 1 : 0;
    }

    /** Columns this field takes in the numeric input: 1 scaled, one per bin piecewise-linear, none as a bucket. */
    public int width() {
        return switch (encoding) {
            case SCALED -> 1;
            case PIECEWISE_LINEAR -> bins();
            case QUANTILE_BUCKET -> 0;
        };
    }

    /** Clipped to [0, 1] since validation and serving values may lie outside the training range; NaN (missing) gives 0. */
    public float scale(float v) {
        if (Float.isNaN(v) || max == min) {
            return 0f;
        }
        return Math.min(1f, Math.max(0f, (v - min) / (max - min)));
    }

    /**
     * Writes this field's {@link #width()} input columns for value v at {@code x[at]}. Piecewise-linear: bin t reads
     * (v - b_(t-1)) / (b_t - b_(t-1)) clipped to [0, 1]; a missing value reads 0 everywhere, as the lowest value does.
     */
    public void encode(float v, float[] x, int at) {
        switch (encoding) {
            case SCALED -> x[at] = scale(v);
            case PIECEWISE_LINEAR -> {
                for (int t = 1; t < edges.size(); t++) {
                    float lo = edges.get(t - 1);
                    float hi = edges.get(t);
                    float e;
                    if (Float.isNaN(v)) {
                        e = 0f;
                    } else if (hi > lo) {
                        e = Math.min(1f, Math.max(0f, (v - lo) / (hi - lo)));
                    } else {
                        e = v >= hi ? 1f : 0f;
                    }
                    x[at + t - 1] = e;
                }
            }
            case QUANTILE_BUCKET -> {
            }
        }
    }

    /** A bucket field's index for v: 0 for missing, else 1 + the number of inner edges b_1 .. b_(T-1) at or below v. */
    public int bucket(float v) {
        if (Float.isNaN(v)) {
            return 0;
        }
        int below = 0;
        for (int t = 1; t < edges.size() - 1; t++) {
            if (edges.get(t) <= v) {
                below++;
            } else {
                break;
            }
        }
        return 1 + below;
    }

    /** A bucket field's embedding rows: one per bin plus the missing row 0. */
    public int bucketRows() {
        return bins() + 1;
    }

    @Override
    public String toString() {
        return "NumericScaling[" + field + ", " + min + ".." + max + ", " + encoding.jsonName()
                + (edges.isEmpty() ? "" : ", edges " + Arrays.toString(edges.toArray())) + "]";
    }
}

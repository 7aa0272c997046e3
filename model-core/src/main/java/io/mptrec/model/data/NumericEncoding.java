package io.mptrec.model.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How a numeric column becomes network input. Written in schema files and manifests in lower case.
 *
 * <ul>
 *   <li>{@code scaled}: one input, min-max scaled to [0, 1] (the default, and the only encoding before bins).</li>
 *   <li>{@code piecewise_linear}: one input per bin, the piecewise-linear encoding of Gorishniy, Rubachev and Babenko
 *       ("On Embeddings for Numerical Features in Tabular Deep Learning", NeurIPS 2022) with quantile bin edges: a
 *       bin below the value reads 1, a bin above it 0, the value's own bin the fraction of it the value has passed.
 *       The first layers can then place thresholds as trees do.</li>
 *   <li>{@code quantile_bucket}: the value's quantile bin, as a categorical field with an embedding per bin (row 0:
 *       missing), so a bin gets its own learned vector, and its own bias in a wide prompt.</li>
 * </ul>
 */
public enum NumericEncoding {
    SCALED, PIECEWISE_LINEAR, QUANTILE_BUCKET;

    /** The bins a binned column gets when its schema sets none. */
    public static final int DEFAULT_BINS = 16;
    /** The most bins a column may ask for. */
    public static final int MAX_BINS = 256;

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The encoding for a schema file name, exact lower case only, so a typo never passes silently. */
    public static Optional<NumericEncoding> fromJsonName(String name) {
        return Arrays.stream(values()).filter(e -> e.jsonName().equals(name)).findFirst();
    }

    @JsonCreator
    static NumericEncoding parse(String name) {
        return fromJsonName(name).orElseThrow(() -> new IllegalArgumentException("unknown numeric encoding '" + name
                + "' (" + String.join(", ", Arrays.stream(values()).map(NumericEncoding::jsonName).toList()) + ")"));
    }

    public boolean binned() {
        return this != SCALED;
    }

    /** For {@code @JsonInclude(CUSTOM)}: manifests name the encoding only when it is not the default. */
    public static final class ScaledFilter {
        @Override
        public boolean equals(Object other) {
            return other == null || other == SCALED;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}

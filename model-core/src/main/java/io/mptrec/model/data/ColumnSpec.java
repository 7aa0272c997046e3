package io.mptrec.model.data;

import java.util.Objects;

/**
 * One column of a data file, in file order.
 *
 * @param minCount categorical columns only: a value seen fewer times than this in the train split gets the unseen slot
 *                 (index 0) instead of a vocabulary entry of its own; 1 keeps every value seen
 * @param encoding numeric columns only: how the value becomes network input ({@link NumericEncoding#SCALED} for others)
 * @param bins     binned encodings only: the most quantile bins (equal quantiles merge); 0 otherwise
 */
public record ColumnSpec(String name, ColumnRole role, int minCount, NumericEncoding encoding, int bins) {
    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(encoding, "encoding");
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount of '" + name + "' must be at least 1, was " + minCount);
        }
        if (minCount != 1 && role != ColumnRole.CATEGORICAL) {
            throw new IllegalArgumentException("minCount of '" + name + "' applies to categorical columns only, it is "
                    + role.jsonName());
        }
        if (encoding.binned() && role != ColumnRole.NUMERIC) {
            throw new IllegalArgumentException("encoding of '" + name + "' applies to numeric columns only, it is "
                    + role.jsonName());
        }
        if (encoding.binned() ? bins < 2 || bins > NumericEncoding.MAX_BINS : bins != 0) {
            throw new IllegalArgumentException(encoding.binned()
                    ? "bins of '" + name + "' must be 2 to " + NumericEncoding.MAX_BINS + ", was " + bins
                    : "bins of '" + name + "' apply to a binned encoding only");
        }
    }

    public ColumnSpec(String name, ColumnRole role, int minCount) {
        this(name, role, minCount, NumericEncoding.SCALED, 0);
    }

    public ColumnSpec(String name, ColumnRole role) {
        this(name, role, 1);
    }
}

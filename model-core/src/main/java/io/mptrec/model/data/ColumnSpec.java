package io.mptrec.model.data;

import java.util.Objects;

/**
 * One column of a data file, in file order.
 *
 * @param minCount categorical columns only: a value seen fewer times than this in the train split gets the unseen slot
 *                 (index 0) instead of a vocabulary entry of its own; 1 keeps every value seen
 */
public record ColumnSpec(String name, ColumnRole role, int minCount) {
    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount of '" + name + "' must be at least 1, was " + minCount);
        }
        if (minCount != 1 && role != ColumnRole.CATEGORICAL) {
            throw new IllegalArgumentException("minCount of '" + name + "' applies to categorical columns only, it is "
                    + role.jsonName());
        }
    }

    public ColumnSpec(String name, ColumnRole role) {
        this(name, role, 1);
    }
}

package io.mptrec.model.data;

import java.util.Objects;

/** One column of a data file, in file order. */
public record ColumnSpec(String name, ColumnRole role) {
    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }
}

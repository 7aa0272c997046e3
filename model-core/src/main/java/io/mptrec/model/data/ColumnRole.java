package io.mptrec.model.data;

import java.util.Locale;
import java.util.Optional;

/** What a column of a dataset is used for. Written in schema files in lower case. */
public enum ColumnRole {
    NUMERIC, CATEGORICAL, IGNORED;

    /** The name used in schema files: "numeric", "categorical", "ignored". */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role for a schema file name, exact lower case only, so a typo never passes silently. */
    public static Optional<ColumnRole> fromJsonName(String name) {
        for (ColumnRole role : values()) {
            if (role.jsonName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}

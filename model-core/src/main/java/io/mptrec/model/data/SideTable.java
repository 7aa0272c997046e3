package io.mptrec.model.data;

import java.util.List;
import java.util.Objects;

/**
 * A table joined to the data file by key, such as a recommender's user or item features: each data row takes the
 * listed columns of the side table's row whose {@code key} column equals the data row's {@code key} column. A key
 * that the side table lacks makes those columns missing for the row (counted, see {@link Dataset#joins()}).
 *
 * @param file    relative to the schema file's folder; read with the data file's format, but always with a header
 * @param key     a column of the data file, and the name of the side table's key column
 * @param columns the side table's columns to take, by header name, with their roles (other columns are not read)
 */
public record SideTable(String file, String key, List<ColumnSpec> columns) {
    public SideTable {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("the side table " + file + " takes no columns");
        }
    }

    /** How well a side table matched the data rows. */
    public record Match(String file, String key, int tableRows, int unmatchedRows, int unmatchedKeys) {
    }
}

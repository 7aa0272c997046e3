package io.mptrec.model.data;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The categories of one field seen in the training split. Index 0 is reserved for unseen and missing
 * values; {@code values.get(i)} has index i + 1. Values are sorted (String order), so the same training
 * rows always give the same indices.
 */
public record Vocabulary(String field, List<String> values) {

    public Vocabulary {
        Objects.requireNonNull(field, "field");
        values = List.copyOf(values);
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i - 1).compareTo(values.get(i)) >= 0) {
                throw new IllegalArgumentException("values of '" + field + "' must be sorted and distinct at "
                        + values.get(i - 1) + ", " + values.get(i));
            }
        }
    }

    /** 0 for null or an unseen value. */
    public int indexOf(String v) {
        if (v == null) {
            return 0;
        }
        int i = Collections.binarySearch(values, v);
        return i >= 0 ? i + 1 : 0;
    }

    /** Embedding table rows: the values plus the unseen/missing row 0. */
    public int size() {
        return values.size() + 1;
    }
}

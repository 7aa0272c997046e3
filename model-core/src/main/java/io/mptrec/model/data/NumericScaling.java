package io.mptrec.model.data;

import java.util.Objects;

/** Min-max scaling of one numeric field to [0, 1], with statistics of the training split. */
public record NumericScaling(String field, float min, float max) {

    public NumericScaling {
        Objects.requireNonNull(field, "field");
        if (!(min <= max)) {
            throw new IllegalArgumentException("min " + min + " > max " + max + " for field '" + field + "'");
        }
    }

    /** Clipped to [0, 1] since validation and serving values may lie outside the training range; NaN (missing) gives 0. */
    public float scale(float v) {
        if (Float.isNaN(v) || max == min) {
            return 0f;
        }
        return Math.min(1f, Math.max(0f, (v - min) / (max - min)));
    }
}

package io.mptrec.model.report;

import java.util.Arrays;
import java.util.Locale;

/**
 * The reference input that integrated gradients and occlusion measure a row against. The choice matters: IG explains
 * f(x) - f(baseline), so a baseline the model rarely sees (all fields missing) can attribute "being present" rather
 * than "having this value". Recorded in the report as {@code attributions.baselineKind}.
 */
public enum AttributionBaseline {

    /** Every numeric field 0 (its training minimum), every categorical field the embedding of index 0 (unseen or missing). */
    ZERO("zero", "numeric fields 0 (the training minimum), categorical fields the embedding of index 0 (unseen or missing)"),
    /** One point: the mean network input x over all rows of the train split (embeddings averaged in input space). */
    TRAINING_MEAN("training-mean", "the mean network input over the train split (numeric fields and embeddings averaged)"),
    /**
     * Expected gradients (Erion et al., 2021), deterministic variant: the mean of the IG attributions against K rows
     * sampled from the train split, each integrated with the midpoint rule.
     */
    EXPECTED_GRADIENTS("expected-gradients", "the mean over K rows sampled from the train split (expected gradients):"
            + " attributions averaged over the K integrated-gradients runs");

    private final String key;
    private final String description;

    AttributionBaseline(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** The name written in reports and accepted by the CLI. */
    public String key() {
        return key;
    }

    public String description() {
        return description;
    }

    public static AttributionBaseline of(String key) {
        String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(b -> b.key.equals(k)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown attribution baseline '" + key + "'; expected one of "
                        + Arrays.stream(values()).map(AttributionBaseline::key).toList()));
    }

    @Override
    public String toString() {
        return key;
    }
}

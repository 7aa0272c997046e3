package io.mptrec.model.metrics;

/**
 * A task's predictions on a split's rows beside their labels, in the split's row order: what its metrics were computed
 * from, and what a comparison with another model on the same rows pairs by row ({@link PairedAuc}).
 */
public record ScoredRows(float[] labels, float[] scores) {

    public ScoredRows {
        if (labels.length != scores.length) {
            throw new IllegalArgumentException(labels.length + " labels against " + scores.length + " scores");
        }
    }
}

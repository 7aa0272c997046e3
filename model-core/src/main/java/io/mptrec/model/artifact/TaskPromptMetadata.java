package io.mptrec.model.artifact;

import io.mptrec.model.network.TuneConfig;

/**
 * A task prompt's manifest metadata.
 *
 * @param stage 1 for a prompt trained with the encoder (it uses task-specific expert {@code taskIndex}), 2 for
 *              one trained against the frozen encoder ({@code tune} says how)
 * @param nonInterference stage 2 only: the check that the existing tasks were left bit-identical
 */
public record TaskPromptMetadata(
        String task,
        String labelExpression,
        int stage,
        Integer taskIndex,
        TuneConfig tune,
        String encoderSha256,
        int inputWidth,
        int promptWidth,
        Lineage lineage,
        NonInterference nonInterference) {
}

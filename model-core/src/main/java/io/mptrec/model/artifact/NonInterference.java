package io.mptrec.model.artifact;

import java.util.List;

/**
 * The proof, stored with a stage-2 task prompt, that training it left the existing tasks' predictions
 * bit-identical over the evaluation split.
 */
public record NonInterference(String split, int rows, boolean identical, List<TaskCheck> tasks) {

    /** One existing task: SHA-256 of its float32 predictions before and after stage 2. */
    public record TaskCheck(String task, String predictionsSha256Before, String predictionsSha256After,
                            boolean identical, double maxAbsoluteDifference) {
    }

    public NonInterference {
        tasks = List.copyOf(tasks);
    }
}

package io.mptrec.ab.serving;

import io.mptrec.ab.experiment.ExperimentStatus;
import jakarta.validation.constraints.NotNull;

import java.util.List;
import java.util.Map;

/** Bodies of {@code POST /api/v1/score}. */
public final class ScoreRequests {

    private ScoreRequests() {
    }

    /**
     * @param unitId the unit hashed for assignment (a user id)
     * @param rows   candidate rows: column name to raw value, as in the dataset file
     */
    public record ScoreRequest(@NotNull String task, @NotNull String unitId, @NotNull List<Map<String, String>> rows) {
    }

    /**
     * @param routing    {@code production} (no experiment), {@code outside-ramp}, {@code experiment} (an arm of a
     *                   RUNNING experiment) or {@code paused-control} (experiment PAUSED: control served to all)
     * @param experiment null unless an experiment decided the version
     */
    public record ScoreResponse(String requestId, String task, VersionRef version, ExperimentRef experiment, String arm,
                                String routing, float[] scores) {
    }

    public record VersionRef(int number, String contentSha256) {
    }

    public record ExperimentRef(long id, String name, ExperimentStatus status) {
    }
}

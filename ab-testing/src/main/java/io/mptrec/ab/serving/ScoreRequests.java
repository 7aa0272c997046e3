package io.mptrec.ab.serving;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.mptrec.ab.experiment.ExperimentStatus;
import jakarta.validation.constraints.NotNull;

import java.util.List;
import java.util.Map;

/** Bodies of {@code POST /api/v1/score}. */
public final class ScoreRequests {

    private ScoreRequests() {
    }

    /**
     * Candidates come in one of two layouts, exactly one of which is given.
     *
     * @param unitId  the unit hashed for assignment (a user id)
     * @param rows    row-major candidates: one object per candidate, column name to raw value, as in the dataset file
     *                (each read as a {@link io.mptrec.model.data.TextRow}: no string per value)
     * @param columns column-major candidates: column name to the candidates' raw values, candidate i at index i (every
     *                column as long as the others; a column left out is missing for every candidate). Cheaper to send
     *                and to parse for many candidates: a few arrays instead of one object per candidate, each read as a
     *                {@link io.mptrec.model.data.TextColumn} (no string per value)
     */
    public record ScoreRequest(@NotNull String task, @NotNull String unitId,
                               @JsonDeserialize(contentUsing = TextRowDeserializer.class)
                               List<Map<String, String>> rows,
                               @JsonDeserialize(contentUsing = TextColumnDeserializer.class)
                               Map<String, List<String>> columns) {
    }

    /**
     * @param routing    {@code production} (no experiment), {@code outside-ramp}, {@code experiment} (an arm of a
     *                   RUNNING experiment), {@code paused} (experiment PAUSED: production served to every unit) or
     *                   {@code withheld} (a RUNNING experiment with an arm that may not take live traffic)
     * @param experiment     null unless an experiment decided the version
     * @param ignoredColumns the request's columns that the served version's encoder does not read, sorted; omitted
     *                       when there is none. They are not refused (one candidate record may serve versions whose
     *                       encoders read different columns), so this is where a misspelt column shows: the column it
     *                       meant was scored as missing
     */
    public record ScoreResponse(String requestId, String task, VersionRef version, ExperimentRef experiment, String arm,
                                String routing, float[] scores,
                                @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> ignoredColumns) {
    }

    public record VersionRef(int number, String contentSha256) {
    }

    public record ExperimentRef(long id, String name, ExperimentStatus status) {
    }
}

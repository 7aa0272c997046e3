package io.mptrec.ab.kpi;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import java.util.List;

/** Bodies of {@code POST /api/v1/events/kpi}. */
public final class KpiRequests {

    private KpiRequests() {
    }

    public record KpiBatch(@NotNull List<@NotNull @Valid KpiEventRequest> events) {
    }

    /**
     * @param eventId   the idempotency key, chosen by the sender (at most 100 characters)
     * @param requestId the {@code requestId} returned by the score call
     * @param metric    e.g. {@code click}, {@code conversion}, or a named metric
     * @param value     1 for a click or conversion, or the metric's value
     */
    public record KpiEventRequest(@NotNull String eventId, @NotNull String requestId, @NotNull String metric,
                                  @NotNull Double value) {
    }

    /**
     * Sent only after the batch committed.
     *
     * @param received   events in the batch
     * @param stored     events stored now
     * @param duplicates events whose id was already stored (or repeated in the batch): counted once, the first event
     *                   of an id kept whatever a later one's value
     */
    public record KpiAck(int received, int stored, int duplicates) {
    }
}

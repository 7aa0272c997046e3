package io.mptrec.ab.pilot;

import jakarta.validation.constraints.NotNull;

import java.time.Instant;

/** Bodies of the pilot endpoints. */
public final class PilotRequests {

    private PilotRequests() {
    }

    /**
     * @param rows          held-out rows to replay (from the TEST split, in a seeded random order)
     * @param ratePerSecond requests per second; 0 or absent for as fast as the server scores
     * @param seed          seed of the row order
     * @param label         the dataset's label whose value is posted as the outcome; default the experiment's task
     */
    public record PilotRequest(@NotNull Integer rows, Double ratePerSecond, Long seed, String label) {
    }

    /**
     * Progress of the experiment's latest pilot run.
     *
     * @param state  RUNNING, DONE, FAILED or CANCELLED (cancelled, or its experiment stopped or paused: the error says)
     * @param scored rows scored through the serving path so far
     * @param events KPI events stored (two per row: {@code conversion} and {@code log_loss})
     */
    public record PilotProgress(long experimentId, String state, int requested, long scored, long events,
                                double ratePerSecond, long seed, String label, Instant startedAt, Instant finishedAt,
                                String error) {
    }
}

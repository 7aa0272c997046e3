package io.mptrec.ab.experiment;

import io.mptrec.ab.statistics.NonInferiority;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import java.util.List;

/** Request bodies of the experiments API (records, mapped to entities by the service). */
public final class ExperimentRequests {

    private ExperimentRequests() {
    }

    /**
     * @param arms           control first, then one or more treatments: versions of {@code task}
     * @param ramp           share of units in the experiment, [0, 1]; default 1
     * @param alpha          error rate of the always-valid intervals and the decision; default 0.05
     * @param plannedPerArm  units per arm the sequential intervals are tuned for; default 10,000
     */
    public record CreateExperiment(@NotNull String name, @NotNull String task, String salt, Integer hashVersion,
                                   @NotNull List<@NotNull @Valid ArmSpec> arms, Double ramp,
                                   List<@NotNull @Valid SuccessMetricSpec> successMetrics,
                                   List<@NotNull @Valid GuardrailSpec> guardrails, Double alpha, Long plannedPerArm) {
    }

    public record ArmSpec(@NotNull String name, @NotNull Integer version, @NotNull Double weight) {
    }

    public record SuccessMetricSpec(@NotNull String name, @NotNull MetricKind kind,
                                    @NotNull NonInferiority.Direction direction) {
    }

    /** A guardrail: margin >= 0, ABSOLUTE (metric units) or RELATIVE (share of the control mean). */
    public record GuardrailSpec(@NotNull String name, @NotNull MetricKind kind,
                                @NotNull NonInferiority.Direction direction, @NotNull Double margin,
                                @NotNull NonInferiority.MarginType marginType) {
    }

    public record Transition(String reason) {
        public static final Transition EMPTY = new Transition(null);
    }

    public record RampChange(@NotNull Double ramp, String reason) {
    }

    /** Promotion of a winning arm; {@code arm} may be omitted when exactly one treatment has the verdict SHIP. */
    public record Promotion(String arm, String reason) {
        public static final Promotion EMPTY = new Promotion(null, null);
    }
}

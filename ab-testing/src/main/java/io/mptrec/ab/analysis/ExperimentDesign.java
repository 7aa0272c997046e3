package io.mptrec.ab.analysis;

import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.experiment.MetricRole;
import io.mptrec.ab.statistics.NonInferiority;

import java.util.List;

/**
 * What the analysis needs to know of an experiment, as plain values (no entity, no database): the experiment's
 * identity, its error rate and planned size, its arms (control first) and its metrics.
 */
public record ExperimentDesign(long id, String name, String task, ExperimentStatus status, double alpha,
                               long plannedPerArm, List<Arm> arms, List<Metric> metrics) {

    public ExperimentDesign {
        if (arms.size() < 2) {
            throw new IllegalArgumentException("arms: an experiment has a control and at least one treatment");
        }
        arms = List.copyOf(arms);
        metrics = List.copyOf(metrics);
    }

    /**
     * The metric online model quality (AUC, log-loss per exposure) is measured against: the first PROPORTION metric,
     * a success metric before a guardrail; null when the experiment has none (then there is no online model quality).
     */
    public String outcomeMetric() {
        return metrics.stream().filter(m -> m.kind() == MetricKind.PROPORTION)
                .min(java.util.Comparator.comparing(m -> m.role() == MetricRole.SUCCESS ? 0 : 1))
                .map(Metric::name).orElse(null);
    }

    public record Arm(String name, int version, String contentSha256, double weight) {
    }

    /** @param margin and {@code marginType}: guardrails only */
    public record Metric(String name, MetricRole role, MetricKind kind, NonInferiority.Direction direction,
                         Double margin, NonInferiority.MarginType marginType) {
    }

    public List<Metric> metrics(MetricRole role) {
        return metrics.stream().filter(m -> m.role() == role).toList();
    }
}

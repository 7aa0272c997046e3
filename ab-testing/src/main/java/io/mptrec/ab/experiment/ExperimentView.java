package io.mptrec.ab.experiment;

import java.time.Instant;
import java.util.List;

/**
 * An experiment as the API shows it.
 *
 * @param liveTrafficBypass it runs by an admin bypass: an arm's version may not take live traffic (audited)
 */
public record ExperimentView(long id, String name, String task, ExperimentStatus status, String salt, int hashVersion,
                             double ramp, double alpha, long plannedPerArm, List<ArmView> arms,
                             List<MetricView> successMetrics, List<MetricView> guardrails, String createdBy,
                             Instant createdAt, Instant startedAt, Instant stoppedAt, String statusReason,
                             long rowVersion, boolean liveTrafficBypass) {

    public record ArmView(String name, int version, String contentSha256, double weight) {
    }

    public record MetricView(String name, MetricKind kind, String direction, Double margin, String marginType) {
    }

    public static ExperimentView of(Experiment e) {
        return new ExperimentView(e.id, e.name, e.taskName, e.status, e.salt, e.hashVersion, e.ramp, e.alpha,
                e.plannedPerArm,
                e.arms.stream().map(a -> new ArmView(a.name, a.versionNumber, a.contentSha256, a.weight)).toList(),
                metrics(e, MetricRole.SUCCESS), metrics(e, MetricRole.GUARDRAIL), e.createdBy, e.createdAt,
                e.startedAt, e.stoppedAt, e.statusReason, e.rowVersion, e.liveTrafficBypass);
    }

    private static List<MetricView> metrics(Experiment e, MetricRole role) {
        return e.metrics(role).stream().map(m -> new MetricView(m.name, m.kind, m.direction.name(), m.margin,
                m.marginType == null ? null : m.marginType.name())).toList();
    }
}

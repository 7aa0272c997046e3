package io.mptrec.ab.results;

import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.experiment.MetricRole;

import java.time.Instant;
import java.util.List;

/**
 * An experiment's metrics over time: at the end of each of {@code buckets} equal time steps between the first
 * exposure ({@code from}) and the latest exposure or KPI event ({@code to}), what the results would have said with the
 * data received by then. Cumulative, so the last point of each series equals the current results.
 *
 * @param from first exposure; null while the experiment has none (then every series is empty)
 * @param to   the latest exposure or KPI event (an event counts from its exposure's time when it arrived earlier)
 */
public record ExperimentTimeSeries(long experimentId, String name, double alpha, int buckets, Instant from, Instant to,
                                   Instant computedAt, List<MetricSeries> metrics) {

    /**
     * @param arms        per arm, in the experiment's order (control first)
     * @param differences per treatment: the difference to control with its always-valid interval
     */
    public record MetricSeries(String metric, MetricKind kind, MetricRole role, String direction, List<ArmSeries> arms,
                               List<DifferenceSeries> differences) {
    }

    public record ArmSeries(String arm, int version, List<ArmPoint> points) {
    }

    /**
     * The arm at one time: as the results' per-arm cell (Wilson for rates, normal for means, at 1 - alpha).
     *
     * @param units     units of the arm so far (the metric's sample size)
     * @param exposures their exposures so far
     * @param estimate  null while there is too little data (no unit; a mean or a ratio needs 2)
     */
    public record ArmPoint(Instant at, long units, long exposures, Double estimate, Double lower, Double upper) {
    }

    public record DifferenceSeries(String arm, List<DifferencePoint> points) {
    }

    /**
     * Treatment minus control at one time, with the mSPRT always-valid interval of the results (valid at every look).
     *
     * @param lower null (unbounded) while an arm has too little data for the always-valid interval
     */
    public record DifferencePoint(Instant at, Double difference, Double lower, Double upper, double pValue,
                                  boolean enoughData) {
    }
}

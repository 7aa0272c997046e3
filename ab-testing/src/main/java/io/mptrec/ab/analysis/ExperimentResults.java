package io.mptrec.ab.analysis;

import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.statistics.ArmSummary;
import io.mptrec.ab.statistics.Comparison;
import io.mptrec.ab.statistics.ConfidenceInterval;
import io.mptrec.ab.statistics.DecisionRule;
import io.mptrec.ab.statistics.ModelMetrics;
import io.mptrec.ab.statistics.NonInferiority;
import io.mptrec.ab.statistics.SampleRatioMismatch;
import io.mptrec.ab.statistics.SequentialTest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an operator reads about an experiment: per arm units, exposures, metrics with intervals and online model
 * quality; per treatment the comparisons with control (fixed-horizon and always-valid), guardrails and the verdict.
 * Every statistic but the online model quality is computed over units, the entity that was randomised. Computed by
 * {@link ExperimentAnalysis}, so it lives with it; the results feature reads the data it is computed from.
 *
 * @param srm                   sample-ratio check on the units per arm
 * @param unitsInMoreThanOneArm units seen in two or more arms: counted here and left out of every statistic
 * @param verdict               overall: ROLL_BACK if any treatment must roll back, SHIP if one ships, else KEEP_RUNNING
 * @param explanation           the decision rule's words for that verdict
 * @param modelQualityMetric    the PROPORTION metric each arm's online model quality is measured against; null when
 *                              the experiment has none, and then no arm has an online model quality
 * @param dataAsOf              every exposure and KPI event received before this time is counted: {@code computedAt}
 *                              when results read the tables; through Kafka, how far the aggregator has got (null
 *                              while that is unknown)
 */
public record ExperimentResults(long experimentId, String name, String task, ExperimentStatus status, double alpha,
                                String correction, Instant computedAt, List<ArmResult> arms, SampleRatioMismatch srm,
                                long unitsInMoreThanOneArm, List<TreatmentResult> treatments,
                                DecisionRule.Verdict verdict, String explanation, String modelQualityMetric,
                                Instant dataAsOf) {

    /**
     * Seconds between the data's time and the computation: 0 when results read the tables, null while unknown. A
     * method, not a component: the API carries {@code dataAsOf}, pages show this.
     */
    public Long dataAgeSeconds() {
        return dataAsOf == null ? null : Math.max(0, java.time.Duration.between(dataAsOf, computedAt).toSeconds());
    }

    /** These results, saying how fresh the data they read was. */
    public ExperimentResults withDataAsOf(Instant asOf) {
        return new ExperimentResults(experimentId, name, task, status, alpha, correction, computedAt, arms, srm,
                unitsInMoreThanOneArm, treatments, verdict, explanation, modelQualityMetric, asOf);
    }

    /**
     * @param units     units analysed in the arm (the sample size of every metric)
     * @param exposures their scored requests
     * @param metrics   per metric name: estimate, count of units, standard error and interval (absent with too
     *                  little data)
     * @param cuped     per metric with pre-period covariates: the CUPED-adjusted estimate next to the raw one
     * @param model     online AUC and log-loss of the first candidate's score against the outcome metric, per scored
     *                  exposure (not per unit); null if no pair
     */
    public record ArmResult(String name, int version, String contentSha256, double weight, long units, long exposures,
                            Map<String, ArmSummary> metrics, Map<String, CupedArm> cuped, ModelMetrics model) {
    }

    /**
     * One arm's metric with and without CUPED (per-unit values, as the raw metric; a PROPORTION is read as its 0/1
     * indicator, so the adjusted estimate is a mean with a normal interval).
     *
     * @param varianceReduction share of the per-unit variance removed: 0.5 means the precision of twice the units
     * @param adjusted          the adjusted estimate with standard error and interval at 1 - alpha
     */
    public record CupedArm(long count, long withCovariate, double rawMean, double rawVariance, double adjustedMean,
                           double adjustedVariance, double varianceReduction, ArmSummary adjusted) {
    }

    /**
     * Treatment vs control on the CUPED-adjusted metric. When present, the verdict reads {@code sequential} of this
     * record instead of the raw one (same validity, narrower interval).
     *
     * @param theta                  pooled within-arm regression coefficient of the metric on its covariate
     * @param covariateMean          mean of the observed covariates (also the value given to units without one)
     * @param unitsWithCovariate     units (all arms) with a covariate
     */
    public record CupedComparison(double theta, double covariateMean, long unitsWithCovariate,
                                  Comparison fixedHorizon, SequentialTest.Result sequential) {
    }

    public record TreatmentResult(String arm, List<MetricComparison> successMetrics, List<GuardrailResult> guardrails,
                                  DecisionRule.Verdict verdict, String explanation) {
    }

    /** Treatment vs control; raw comparisons null while an arm has too little data, cuped null without covariates. */
    public record MetricComparison(String metric, MetricKind kind, String direction, Comparison fixedHorizon,
                                   SequentialTest.Result sequential, CupedComparison cuped) {
    }

    /** @param cuped whether outcome and interval come from the CUPED-adjusted metric */
    public record GuardrailResult(String metric, MetricKind kind, String direction, double margin, String marginType,
                                  NonInferiority.Outcome outcome, Double absoluteMargin, ConfidenceInterval interval,
                                  boolean cuped) {
    }
}

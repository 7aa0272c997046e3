package io.mptrec.ab.results;

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
 * What an operator reads about an experiment: per arm exposures, metrics with intervals and online model quality;
 * per treatment the comparisons with control (fixed-horizon and always-valid), guardrails and the verdict.
 *
 * @param verdict     overall: ROLL_BACK if any treatment must roll back, SHIP if one ships, else KEEP_RUNNING
 * @param explanation the decision rule's words for that verdict
 */
public record ExperimentResults(long experimentId, String name, String task, ExperimentStatus status, double alpha,
                                String correction, Instant computedAt, List<ArmResult> arms, SampleRatioMismatch srm,
                                List<TreatmentResult> treatments, DecisionRule.Verdict verdict, String explanation) {

    /**
     * @param metrics per metric name: estimate, count, standard error and interval (absent with too little data)
     * @param model   online AUC and log-loss of the first candidate's score against the outcome metric; null if no pair
     */
    public record ArmResult(String name, int version, String contentSha256, double weight, long exposures,
                            Map<String, ArmSummary> metrics, ModelMetrics model) {
    }

    public record TreatmentResult(String arm, List<MetricComparison> successMetrics, List<GuardrailResult> guardrails,
                                  DecisionRule.Verdict verdict, String explanation) {
    }

    /** Treatment vs control; both null while an arm has too little data. */
    public record MetricComparison(String metric, MetricKind kind, String direction, Comparison fixedHorizon,
                                   SequentialTest.Result sequential) {
    }

    public record GuardrailResult(String metric, MetricKind kind, String direction, double margin, String marginType,
                                  NonInferiority.Outcome outcome, Double absoluteMargin, ConfidenceInterval interval) {
    }
}

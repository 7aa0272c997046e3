package io.mptrec.ab.analysis;

import io.mptrec.ab.analysis.ExperimentResults.ArmResult;
import io.mptrec.ab.analysis.ExperimentResults.CupedArm;
import io.mptrec.ab.analysis.ExperimentResults.CupedComparison;
import io.mptrec.ab.analysis.ExperimentResults.GuardrailResult;
import io.mptrec.ab.analysis.ExperimentResults.MetricComparison;
import io.mptrec.ab.analysis.ExperimentResults.TreatmentResult;
import io.mptrec.ab.analysis.Observations.ArmObservations;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.experiment.MetricRole;
import io.mptrec.ab.statistics.ArmSummary;
import io.mptrec.ab.statistics.Comparison;
import io.mptrec.ab.statistics.Cuped;
import io.mptrec.ab.statistics.DecisionRule;
import io.mptrec.ab.statistics.MetricData;
import io.mptrec.ab.statistics.MultipleTesting;
import io.mptrec.ab.statistics.NonInferiority;
import io.mptrec.ab.statistics.SampleRatioMismatch;
import io.mptrec.ab.statistics.SequentialTest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An experiment's results as a pure function of its design and its per-unit sufficient statistics: per-arm
 * estimates, the sample-ratio check, treatment-vs-control comparisons, guardrails and the verdict. No database and no
 * clock, so the simulations can run it thousands of times; the results, the time series, the guardrail check, the
 * pilot's verdict and the pages all read what it computes.
 *
 * <p>Unit of analysis: the unit that was randomised ({@code unitId}), never the exposure: a unit exposed ten times
 * is one observation, so correlated exposures cannot shrink the standard errors (see {@link UnitTotals} for the
 * per-unit values and {@link MetricKind} for the kinds). Intervals: Wilson (rates) and normal (means and ratios, the
 * latter with the delta method) per arm at 1 - alpha; treatment vs control: the fixed-horizon comparison (lift with
 * its delta-method interval) and the mSPRT always-valid interval, whose mixing variance is tuned to the
 * experiment's planned units per arm with the pooled per-unit variance. Success metrics are Holm-corrected. The
 * sample-ratio check counts units per arm.
 */
public final class ExperimentAnalysis {

    public static final MultipleTesting.Correction CORRECTION = MultipleTesting.Correction.HOLM;

    private ExperimentAnalysis() {
    }

    public static ExperimentResults analyse(ExperimentDesign design, Observations observed, Instant computedAt) {
        if (observed.arms().size() != design.arms().size()) {
            throw new IllegalArgumentException("observed: one entry per arm of the design");
        }
        double level = 1 - design.alpha();
        Map<String, Cuped.Result> cuped = new LinkedHashMap<>();
        for (ExperimentDesign.Metric m : design.metrics()) {
            cupedFor(m, observed).ifPresent(c -> cuped.put(m.name(), c));
        }

        List<ArmResult> armResults = new ArrayList<>();
        for (int a = 0; a < design.arms().size(); a++) {
            ExperimentDesign.Arm arm = design.arms().get(a);
            ArmObservations o = observed.arms().get(a);
            Map<String, ArmSummary> summaries = new LinkedHashMap<>();
            Map<String, CupedArm> adjusted = new LinkedHashMap<>();
            for (ExperimentDesign.Metric m : design.metrics()) {
                MetricData data = o.metric(m.name()).toMetricData(m.kind());
                if (data != null) {
                    summaries.put(m.name(), ArmSummary.of(data, level));
                }
                Cuped.Result c = cuped.get(m.name());
                if (c != null) {
                    Cuped.AdjustedArm adj = c.arms().get(a);
                    adjusted.put(m.name(), new CupedArm(adj.count(), o.covariates().get(m.name()).withCovariate(),
                            adj.mean(), adj.variance(), adj.adjustedMean(), adj.adjustedVariance(),
                            adj.varianceReduction(), ArmSummary.mean(adj.toMeanData(), level)));
                }
            }
            armResults.add(new ArmResult(arm.name(), arm.version(), arm.contentSha256(), arm.weight(), o.units(),
                    o.exposures(), summaries, adjusted, o.model()));
        }
        SampleRatioMismatch srm = SampleRatioMismatch.check(
                observed.arms().stream().map(ArmObservations::units).toList(),
                design.arms().stream().map(ExperimentDesign.Arm::weight).toList());

        List<TreatmentResult> treatments = new ArrayList<>();
        for (int a = 1; a < design.arms().size(); a++) {
            treatments.add(treatment(design, observed, cuped, a, level, srm));
        }
        TreatmentResult decisive = treatments.stream().filter(t -> t.verdict() == DecisionRule.Verdict.ROLL_BACK)
                .findFirst().or(() -> treatments.stream().filter(t -> t.verdict() == DecisionRule.Verdict.SHIP).findFirst())
                .orElse(treatments.get(0));
        return new ExperimentResults(design.id(), design.name(), design.task(), design.status(), design.alpha(),
                CORRECTION.name(), computedAt, armResults, srm, observed.unitsInMoreThanOneArm(), treatments,
                decisive.verdict(), decisive.explanation(), design.outcomeMetric(), computedAt);
    }

    private static TreatmentResult treatment(ExperimentDesign design, Observations observed,
                                             Map<String, Cuped.Result> cuped, int a, double level,
                                             SampleRatioMismatch srm) {
        String arm = design.arms().get(a).name();
        ArmObservations control = observed.arms().get(0);
        ArmObservations treatment = observed.arms().get(a);
        List<MetricComparison> success = new ArrayList<>();
        List<DecisionRule.SuccessMetric> ruleSuccess = new ArrayList<>();
        for (ExperimentDesign.Metric m : design.metrics(MetricRole.SUCCESS)) {
            MetricData c = control.metric(m.name()).toMetricData(m.kind());
            MetricData t = treatment.metric(m.name()).toMetricData(m.kind());
            Comparison fixed = c == null || t == null ? null : Comparison.compare(c, t, level);
            SequentialTest.Result seq = sequential(design, c, t, m.kind());
            CupedComparison adjusted = cupedComparison(design, cuped.get(m.name()), observed, m.name(), a, level);
            success.add(new MetricComparison(m.name(), m.kind(), m.direction().name(), fixed, seq, adjusted));
            SequentialTest.Result decides = adjusted != null ? adjusted.sequential() : seq;
            if (decides != null) {
                ruleSuccess.add(new DecisionRule.SuccessMetric(m.name(), m.direction(), decides));
            }
        }
        List<GuardrailResult> guardrails = new ArrayList<>();
        List<DecisionRule.Guardrail> ruleGuardrails = new ArrayList<>();
        for (ExperimentDesign.Metric m : design.metrics(MetricRole.GUARDRAIL)) {
            MetricData c = control.metric(m.name()).toMetricData(m.kind());
            MetricData t = treatment.metric(m.name()).toMetricData(m.kind());
            CupedComparison adjusted = cupedComparison(design, cuped.get(m.name()), observed, m.name(), a, level);
            SequentialTest.Result seq = adjusted != null ? adjusted.sequential() : sequential(design, c, t, m.kind());
            NonInferiority.Result ni = seq == null ? null
                    : NonInferiority.check(seq, new NonInferiority.Margin(m.margin(), m.marginType()), m.direction());
            NonInferiority.Outcome outcome = ni == null ? NonInferiority.Outcome.INCONCLUSIVE : ni.outcome();
            guardrails.add(new GuardrailResult(m.name(), m.kind(), m.direction().name(), m.margin(),
                    m.marginType().name(), outcome, ni == null ? null : ni.absoluteMargin(),
                    ni == null ? null : ni.interval(), adjusted != null));
            ruleGuardrails.add(new DecisionRule.Guardrail(m.name(), ni != null ? ni
                    : new NonInferiority.Result(NonInferiority.Outcome.INCONCLUSIVE, Double.NaN, null)));
        }
        DecisionRule.Decision decision = ruleSuccess.size() < design.metrics(MetricRole.SUCCESS).size()
                && ruleGuardrails.stream().noneMatch(g -> g.result().outcome() == NonInferiority.Outcome.FAIL)
                ? new DecisionRule.Decision(DecisionRule.Verdict.KEEP_RUNNING,
                        "Keep running: not enough data yet for every success metric in arm '" + arm + "'.")
                : DecisionRule.decide(ruleSuccess, ruleGuardrails, CORRECTION, design.alpha(), srm);
        return new TreatmentResult(arm, success, guardrails, decision.verdict(),
                "Arm '" + arm + "': " + decision.explanation());
    }

    /**
     * Always-valid interval of treatment minus control; null while an arm has too little data. The mixing variance
     * is tuned to the planned units per arm with the pooled per-unit variance (a prior guess before there is one).
     */
    public static SequentialTest.Result sequential(ExperimentDesign design, MetricData c, MetricData t,
                                                   MetricKind kind) {
        if (c == null || t == null) {
            return null;
        }
        double unitVariance = (c.variance() * c.count() + t.variance() * t.count()) / (c.count() + t.count());
        if (!(unitVariance > 0) || Double.isInfinite(unitVariance)) {
            unitVariance = kind == MetricKind.PROPORTION ? 0.25 : 1.0;
        }
        double tau2 = SequentialTest.mixingVarianceFor(unitVariance, design.plannedPerArm(), design.alpha());
        return SequentialTest.mSprt(c, t, design.alpha(), tau2);
    }

    /**
     * CUPED over all arms for one metric, per unit (Y the unit's total or its indicator, X its covariate), if some
     * unit has a covariate and every arm has two units. Not for ratios (their unit is not a single value).
     */
    private static Optional<Cuped.Result> cupedFor(ExperimentDesign.Metric m, Observations observed) {
        if (m.kind() == MetricKind.RATIO) {
            return Optional.empty();
        }
        List<Cuped.PartialCovariateData> data = new ArrayList<>();
        for (ArmObservations o : observed.arms()) {
            Cuped.PartialCovariateData d = o.covariates().get(m.name());
            if (d == null) {
                return Optional.empty();
            }
            data.add(d);
        }
        return Cuped.adjustImputingMean(data);
    }

    /** Treatment (arm index) vs control on the adjusted metric; null without CUPED for the metric. */
    private static CupedComparison cupedComparison(ExperimentDesign design, Cuped.Result c, Observations observed,
                                                   String metric, int treatment, double level) {
        if (c == null) {
            return null;
        }
        long withCovariate = observed.arms().stream()
                .mapToLong(o -> o.covariates().get(metric).withCovariate()).sum();
        MetricData.Mean control = c.arms().get(0).toMeanData();
        MetricData.Mean arm = c.arms().get(treatment).toMeanData();
        return new CupedComparison(c.theta(), c.covariateMean(), withCovariate,
                Comparison.compare(control, arm, level), sequential(design, control, arm, MetricKind.MEAN));
    }
}

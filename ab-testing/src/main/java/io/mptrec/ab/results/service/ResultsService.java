package io.mptrec.ab.results.service;

import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentArm;
import io.mptrec.ab.experiment.ExperimentMetric;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.experiment.MetricRole;
import io.mptrec.ab.results.ExperimentResults;
import io.mptrec.ab.results.ExperimentResults.ArmResult;
import io.mptrec.ab.results.ExperimentResults.CupedArm;
import io.mptrec.ab.results.ExperimentResults.CupedComparison;
import io.mptrec.ab.results.ExperimentResults.GuardrailResult;
import io.mptrec.ab.results.ExperimentResults.MetricComparison;
import io.mptrec.ab.results.ExperimentResults.TreatmentResult;
import io.mptrec.ab.statistics.ArmSummary;
import io.mptrec.ab.statistics.Comparison;
import io.mptrec.ab.statistics.Cuped;
import io.mptrec.ab.statistics.DecisionRule;
import io.mptrec.ab.statistics.MetricData;
import io.mptrec.ab.statistics.ModelMetrics;
import io.mptrec.ab.statistics.MultipleTesting;
import io.mptrec.ab.statistics.NonInferiority;
import io.mptrec.ab.statistics.SampleRatioMismatch;
import io.mptrec.ab.statistics.SequentialTest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes an experiment's results from sufficient statistics aggregated in the database.
 *
 * <p>Unit of analysis: the exposure (one scored request of a RUNNING experiment). A metric's value for an exposure
 * is the sum of the values of its KPI events with that metric (0 when none arrived); a PROPORTION metric counts
 * exposures whose sum is > 0. Intervals: Wilson (rates) and normal (means) per arm at 1 - alpha; treatment vs
 * control: the fixed-horizon comparison (lift with its delta-method interval) and the mSPRT always-valid interval,
 * whose mixing variance is tuned to the experiment's planned units per arm with the pooled per-unit variance.
 * Success metrics are Holm-corrected. Online model quality pairs each exposure's first-candidate score with the
 * outcome of the first PROPORTION metric (success metrics first, then guardrails).
 */
@ApplicationScoped
public class ResultsService {

    private static final MultipleTesting.Correction CORRECTION = MultipleTesting.Correction.HOLM;

    private final EntityManager em;
    private final Clock clock;
    private final AbConfig config;

    public ResultsService(EntityManager em, Clock clock, AbConfig config) {
        this.em = em;
        this.clock = clock;
        this.config = config;
    }

    private record Sums(long count, double sum, double sumOfSquares, long positives) {
    }

    /** Results of an experiment by id, read in one transaction. */
    @Transactional
    public Optional<ExperimentResults> findResultsById(long id) {
        return Experiment.<Experiment>findByIdOptional(id).map(this::results);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public ExperimentResults results(Experiment e) {
        List<ExperimentArm> arms = e.arms;
        Map<String, Long> exposures = new HashMap<>();
        for (Object[] row : native_("SELECT arm, COUNT(*) FROM exposure WHERE experiment_id = ?1 GROUP BY arm", e.id)) {
            exposures.put((String) row[0], ((Number) row[1]).longValue());
        }
        Map<String, Map<String, Sums>> sums = new HashMap<>();
        Map<String, CupedData> cuped = new HashMap<>();
        for (ExperimentMetric m : e.metrics) {
            sums.put(m.name, metricSums(e.id, m.name));
            cupedFor(e, m).ifPresent(c -> cuped.put(m.name, c));
        }
        double level = 1 - e.alpha;
        String outcomeMetric = e.metrics(MetricRole.SUCCESS).stream().filter(m -> m.kind == MetricKind.PROPORTION)
                .findFirst().or(() -> e.metrics(MetricRole.GUARDRAIL).stream()
                        .filter(m -> m.kind == MetricKind.PROPORTION).findFirst())
                .map(m -> m.name).orElse(null);
        Map<String, ModelMetrics> model = outcomeMetric == null ? Map.of() : modelMetrics(e, outcomeMetric);

        List<ArmResult> armResults = new ArrayList<>();
        for (ExperimentArm arm : arms) {
            Map<String, ArmSummary> summaries = new LinkedHashMap<>();
            for (ExperimentMetric m : e.metrics) {
                MetricData data = data(m.kind, sums.get(m.name).get(arm.name));
                if (data != null) {
                    summaries.put(m.name, m.kind == MetricKind.PROPORTION
                            ? ArmSummary.proportion((MetricData.Proportion) data, level)
                            : ArmSummary.mean((MetricData.Mean) data, level));
                }
            }
            Map<String, CupedArm> adjusted = new LinkedHashMap<>();
            int index = arms.indexOf(arm);
            for (ExperimentMetric m : e.metrics) {
                CupedData c = cuped.get(m.name);
                if (c != null) {
                    Cuped.AdjustedArm a = c.result().arms().get(index);
                    adjusted.put(m.name, new CupedArm(a.count(), c.perArm()[index], a.mean(),
                            a.variance(), a.adjustedMean(), a.adjustedVariance(), a.varianceReduction(),
                            ArmSummary.mean(a.toMeanData(), level)));
                }
            }
            armResults.add(new ArmResult(arm.name, arm.version.number, arm.version.contentSha256, arm.weight,
                    exposures.getOrDefault(arm.name, 0L), summaries, adjusted, model.get(arm.name)));
        }
        SampleRatioMismatch srm = SampleRatioMismatch.check(
                arms.stream().map(a -> exposures.getOrDefault(a.name, 0L)).toList(),
                arms.stream().map(a -> a.weight).toList());

        ExperimentArm control = arms.get(0);
        List<TreatmentResult> treatments = new ArrayList<>();
        for (ExperimentArm arm : arms.subList(1, arms.size())) {
            List<MetricComparison> success = new ArrayList<>();
            List<DecisionRule.SuccessMetric> ruleSuccess = new ArrayList<>();
            for (ExperimentMetric m : e.metrics(MetricRole.SUCCESS)) {
                MetricData c = data(m.kind, sums.get(m.name).get(control.name));
                MetricData t = data(m.kind, sums.get(m.name).get(arm.name));
                Comparison fixed = c == null || t == null ? null : Comparison.compare(c, t, level);
                SequentialTest.Result seq = sequential(e, c, t, m.kind);
                CupedComparison adjusted = cupedComparison(e, cuped.get(m.name), arms.indexOf(arm), level);
                success.add(new MetricComparison(m.name, m.kind, m.direction.name(), fixed, seq, adjusted));
                SequentialTest.Result decisive = adjusted != null ? adjusted.sequential() : seq;
                if (decisive != null) {
                    ruleSuccess.add(new DecisionRule.SuccessMetric(m.name, m.direction, decisive));
                }
            }
            List<GuardrailResult> guardrails = new ArrayList<>();
            List<DecisionRule.Guardrail> ruleGuardrails = new ArrayList<>();
            for (ExperimentMetric m : e.metrics(MetricRole.GUARDRAIL)) {
                MetricData c = data(m.kind, sums.get(m.name).get(control.name));
                MetricData t = data(m.kind, sums.get(m.name).get(arm.name));
                CupedComparison adjusted = cupedComparison(e, cuped.get(m.name), arms.indexOf(arm), level);
                SequentialTest.Result seq = adjusted != null ? adjusted.sequential() : sequential(e, c, t, m.kind);
                NonInferiority.Result ni = seq == null ? null
                        : NonInferiority.check(seq, new NonInferiority.Margin(m.margin, m.marginType), m.direction);
                NonInferiority.Outcome outcome = ni == null ? NonInferiority.Outcome.INCONCLUSIVE : ni.outcome();
                guardrails.add(new GuardrailResult(m.name, m.kind, m.direction.name(), m.margin, m.marginType.name(),
                        outcome, ni == null ? null : ni.absoluteMargin(), ni == null ? null : ni.interval(),
                        adjusted != null));
                ruleGuardrails.add(new DecisionRule.Guardrail(m.name, ni != null ? ni
                        : new NonInferiority.Result(NonInferiority.Outcome.INCONCLUSIVE, Double.NaN, null)));
            }
            DecisionRule.Decision decision = ruleSuccess.size() < e.metrics(MetricRole.SUCCESS).size()
                    && ruleGuardrails.stream().noneMatch(g -> g.result().outcome() == NonInferiority.Outcome.FAIL)
                    ? new DecisionRule.Decision(DecisionRule.Verdict.KEEP_RUNNING,
                            "Keep running: not enough data yet for every success metric in arm '" + arm.name + "'.")
                    : DecisionRule.decide(ruleSuccess, ruleGuardrails, CORRECTION, e.alpha, srm);
            treatments.add(new TreatmentResult(arm.name, success, guardrails, decision.verdict(),
                    "Arm '" + arm.name + "': " + decision.explanation()));
        }
        TreatmentResult decisive = treatments.stream().filter(t -> t.verdict() == DecisionRule.Verdict.ROLL_BACK)
                .findFirst().or(() -> treatments.stream().filter(t -> t.verdict() == DecisionRule.Verdict.SHIP).findFirst())
                .orElse(treatments.get(0));
        return new ExperimentResults(e.id, e.name, e.task.name, e.status, e.alpha, CORRECTION.name(), clock.instant(),
                armResults, srm, treatments, decisive.verdict(), decisive.explanation());
    }

    private record CupedData(Cuped.Result result, long withCovariate, long[] perArm) {
    }

    /**
     * CUPED over all arms for one metric, if any exposed unit has a covariate for it and every arm has 2 exposures.
     * Per exposure: Y is the metric's value (its 0/1 indicator for a PROPORTION), X the unit's covariate.
     */
    private Optional<CupedData> cupedFor(Experiment e, ExperimentMetric m) {
        String y = m.kind == MetricKind.PROPORTION ? "CASE WHEN k.v > 0 THEN 1.0 ELSE 0.0 END" : "COALESCE(k.v, 0.0)";
        Map<String, Object[]> byArm = new HashMap<>();
        for (Object[] r : native_("SELECT e.arm, COUNT(*), SUM(" + y + "), SUM(" + y + " * " + y + "), "
                + "COUNT(c.covariate_value), COALESCE(SUM(c.covariate_value), 0), "
                + "COALESCE(SUM(c.covariate_value * c.covariate_value), 0), COALESCE(SUM(c.covariate_value * " + y + "), 0), "
                + "COALESCE(SUM(CASE WHEN c.covariate_value IS NULL THEN 0.0 ELSE " + y + " END), 0) "
                + "FROM exposure e LEFT JOIN (SELECT request_id, SUM(metric_value) AS v FROM kpi_event WHERE metric = ?2 "
                + "AND request_id IN (SELECT request_id FROM exposure WHERE experiment_id = ?1) GROUP BY request_id) k "
                + "ON k.request_id = e.request_id LEFT JOIN experiment_covariate c ON c.experiment_id = e.experiment_id "
                + "AND c.metric = ?2 AND c.unit_id = e.unit_id WHERE e.experiment_id = ?1 GROUP BY e.arm", e.id, m.name)) {
            byArm.put((String) r[0], r);
        }
        List<Cuped.PartialCovariateData> data = new ArrayList<>();
        long[] perArm = new long[e.arms.size()];
        long total = 0;
        for (int i = 0; i < e.arms.size(); i++) {
            Object[] r = byArm.get(e.arms.get(i).name);
            if (r == null || ((Number) r[1]).longValue() < 2) {
                return Optional.empty();
            }
            perArm[i] = ((Number) r[4]).longValue();
            total += perArm[i];
            data.add(new Cuped.PartialCovariateData(((Number) r[1]).longValue(), ((Number) r[2]).doubleValue(),
                    ((Number) r[3]).doubleValue(), perArm[i], ((Number) r[5]).doubleValue(),
                    ((Number) r[6]).doubleValue(), ((Number) r[7]).doubleValue(), ((Number) r[8]).doubleValue()));
        }
        long with = total;
        return Cuped.adjustImputingMean(data).map(result -> new CupedData(result, with, perArm));
    }

    /** Treatment (arm index) vs control on the adjusted metric; null without CUPED for the metric. */
    private static CupedComparison cupedComparison(Experiment e, CupedData data, int treatment, double level) {
        if (data == null) {
            return null;
        }
        Cuped.Result c = data.result();
        MetricData.Mean control = c.arms().get(0).toMeanData();
        MetricData.Mean arm = c.arms().get(treatment).toMeanData();
        return new CupedComparison(c.theta(), c.covariateMean(), data.withCovariate(),
                Comparison.compare(control, arm, level), sequential(e, control, arm, MetricKind.MEAN));
    }

    /** Always-valid interval; null while an arm has no usable data. Also drawn over time by TimeSeriesService. */
    static SequentialTest.Result sequential(Experiment e, MetricData c, MetricData t, MetricKind kind) {
        if (c == null || t == null) {
            return null;
        }
        double unitVariance = (c.variance() * c.count() + t.variance() * t.count()) / (c.count() + t.count());
        if (!(unitVariance > 0)) {
            unitVariance = kind == MetricKind.PROPORTION ? 0.25 : 1.0;
        }
        double tau2 = SequentialTest.mixingVarianceFor(unitVariance, e.plannedPerArm, e.alpha);
        return SequentialTest.mSprt(c, t, e.alpha, tau2);
    }

    private static MetricData data(MetricKind kind, Sums s) {
        if (s == null) {
            return null;
        }
        if (kind == MetricKind.PROPORTION) {
            return s.count() >= 1 ? new MetricData.Proportion(s.count(), s.positives()) : null;
        }
        return s.count() >= 2 ? new MetricData.Mean(s.count(), s.sum(), s.sumOfSquares()) : null;
    }

    private Map<String, Sums> metricSums(long experimentId, String metric) {
        Map<String, Sums> byArm = new HashMap<>();
        for (Object[] r : native_("SELECT e.arm, COUNT(*), COALESCE(SUM(k.v), 0), COALESCE(SUM(k.v * k.v), 0), "
                + "COALESCE(SUM(CASE WHEN k.v > 0 THEN 1 ELSE 0 END), 0) FROM exposure e LEFT JOIN "
                + "(SELECT request_id, SUM(metric_value) AS v FROM kpi_event WHERE metric = ?2 AND request_id IN "
                + "(SELECT request_id FROM exposure WHERE experiment_id = ?1) GROUP BY request_id) k "
                + "ON k.request_id = e.request_id WHERE e.experiment_id = ?1 GROUP BY e.arm", experimentId, metric)) {
            byArm.put((String) r[0], new Sums(((Number) r[1]).longValue(), ((Number) r[2]).doubleValue(),
                    ((Number) r[3]).doubleValue(), ((Number) r[4]).longValue()));
        }
        return byArm;
    }

    private Map<String, ModelMetrics> modelMetrics(Experiment e, String metric) {
        Map<String, ModelMetrics> byArm = new HashMap<>();
        for (ExperimentArm arm : e.arms) {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT e.score_first, CASE WHEN k.v > 0 THEN 1 ELSE 0 END "
                            + "FROM exposure e LEFT JOIN (SELECT request_id, SUM(metric_value) AS v FROM kpi_event "
                            + "WHERE metric = ?2 AND request_id IN (SELECT request_id FROM exposure WHERE experiment_id = ?1) "
                            + "GROUP BY request_id) k ON k.request_id = e.request_id "
                            + "WHERE e.experiment_id = ?1 AND e.arm = ?3 ORDER BY e.id DESC")
                    .setParameter(1, e.id).setParameter(2, metric).setParameter(3, arm.name)
                    .setMaxResults(config.results().maxModelPairs()).getResultList();
            if (rows.isEmpty()) {
                continue;
            }
            double[] scores = new double[rows.size()];
            int[] outcomes = new int[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                scores[i] = ((Number) rows.get(i)[0]).doubleValue();
                outcomes[i] = ((Number) rows.get(i)[1]).intValue();
            }
            byArm.put(arm.name, ModelMetrics.of(scores, outcomes));
        }
        return byArm;
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> native_(String sql, Object... params) {
        var q = em.createNativeQuery(sql);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        return q.getResultList();
    }
}

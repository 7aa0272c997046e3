package io.mptrec.ab.statistics;

import io.mptrec.model.format.Figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The decision rule written on the results page:
 * <ol>
 *   <li>ROLL_BACK if any guardrail FAILs non-inferiority (safety first, whatever else holds);</li>
 *   <li>otherwise SHIP only if the sample ratio is healthy, at least one success metric is significantly better
 *       after multiple-testing correction, none is significantly worse (a trade-off is a human call), and every
 *       guardrail PASSes;</li>
 *   <li>otherwise KEEP_RUNNING. An inconclusive result never ships.</li>
 * </ol>
 * Feed it always-valid results ({@link SequentialTest}) so it can be evaluated at every look.
 */
public final class DecisionRule {

    public enum Verdict { SHIP, KEEP_RUNNING, ROLL_BACK }

    /** A metric the experiment wants to improve, with its sequential result (treatment - control). */
    public record SuccessMetric(String name, NonInferiority.Direction direction, SequentialTest.Result result) {
    }

    /** A metric that must not get worse, with its non-inferiority result. */
    public record Guardrail(String name, NonInferiority.Result result) {
    }

    /** The verdict and a plain-English reason an operator can act on. */
    public record Decision(Verdict verdict, String explanation) {
    }

    private DecisionRule() {
    }

    /**
     * @param srm sample-ratio check of the same data; null if not computed (treated as healthy)
     */
    public static Decision decide(List<SuccessMetric> successMetrics, List<Guardrail> guardrails,
                                  MultipleTesting.Correction correction, double alpha, SampleRatioMismatch srm) {
        Checks.alpha(alpha);
        List<String> failed = new ArrayList<>();
        List<String> inconclusive = new ArrayList<>();
        for (Guardrail g : guardrails) {
            switch (g.result().outcome()) {
                case FAIL -> failed.add(g.name());
                case INCONCLUSIVE -> inconclusive.add(g.name());
                case PASS -> { }
            }
        }
        if (!failed.isEmpty()) {
            return new Decision(Verdict.ROLL_BACK, "Roll back: guardrail " + String.join(", ", failed)
                    + " is worse in the treatment than control by more than its non-inferiority margin.");
        }
        if (srm != null && srm.mismatch()) {
            return new Decision(Verdict.KEEP_RUNNING, "Keep running, do not ship: sample ratio mismatch (chi-square "
                    + Figures.p(srm.pValue()) + ", flagged below " + SampleRatioMismatch.THRESHOLD + "); the arms did "
                    + "not get their configured traffic, so no result can be trusted until assignment and logging are "
                    + "fixed.");
        }
        if (successMetrics.isEmpty()) {
            return new Decision(Verdict.KEEP_RUNNING, "Keep running: the experiment has no success metric, so nothing can ship.");
        }
        List<Double> pValues = successMetrics.stream().map(m -> m.result().pValue()).toList();
        List<Double> adjusted = MultipleTesting.adjust(correction, pValues);
        List<String> better = new ArrayList<>();
        List<String> worse = new ArrayList<>();
        for (int i = 0; i < successMetrics.size(); i++) {
            SuccessMetric m = successMetrics.get(i);
            if (adjusted.get(i) >= alpha) {
                continue;
            }
            boolean improves = m.direction() == NonInferiority.Direction.HIGHER_IS_BETTER
                    ? m.result().difference() > 0 : m.result().difference() < 0;
            // the figures policy every page and summary uses: "p = 0.012", "p < 0.001" (never "p = 0.00")
            String label = m.name() + " (adjusted " + Figures.p(adjusted.get(i)) + ")";
            (improves ? better : worse).add(label);
        }
        String worseNote = worse.isEmpty() ? "" : " Significantly worse success metric(s): " + String.join(", ", worse) + ".";
        if (better.isEmpty()) {
            return new Decision(Verdict.KEEP_RUNNING, String.format(Locale.ROOT,
                    "Keep running: no success metric is significantly better at alpha = %s after %s correction.%s",
                    alpha, correction, worseNote));
        }
        if (!worse.isEmpty()) {
            return new Decision(Verdict.KEEP_RUNNING, "Keep running, needs a human call: " + String.join(", ", better)
                    + " improved, but success metric(s) " + String.join(", ", worse) + " got significantly worse.");
        }
        if (!inconclusive.isEmpty()) {
            return new Decision(Verdict.KEEP_RUNNING, "Keep running: " + String.join(", ", better)
                    + " improved, but guardrail " + String.join(", ", inconclusive)
                    + " has not yet shown non-inferiority; an inconclusive guardrail never ships.");
        }
        return new Decision(Verdict.SHIP, "Ship: " + String.join(", ", better) + " significantly better after "
                + correction + " correction at alpha = " + alpha + ", and "
                + (guardrails.isEmpty() ? "no guardrails are configured." : "every guardrail passed non-inferiority."));
    }
}

package io.mptrec.governance.ui.experiments;

import io.mptrec.ab.experiment.ExperimentRequests.ArmSpec;
import io.mptrec.ab.experiment.ExperimentRequests.CreateExperiment;
import io.mptrec.ab.experiment.ExperimentRequests.GuardrailSpec;
import io.mptrec.ab.experiment.ExperimentRequests.SuccessMetricSpec;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.statistics.NonInferiority;
import io.mptrec.governance.ui.page.FormNumbers;
import io.mptrec.kernel.problem.ApiException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The new experiment form as typed: text, so that a refused form comes back with every value as it was typed. Builds
 * the API's request (the page's numbers in percent, the request's as shares); the checks are the service's.
 */
public record NewExperiment(String name, String task, String control, String treatment, String treatmentShare,
                            String ramp, String successMetric, String successKind, String guardrailMetric,
                            String guardrailMargin) {

    /** The form's words for each field a refusal may name: its own fields and those of the request it fills. */
    static final Map<String, String> LABELS = Map.ofEntries(Map.entry("name", "name"), Map.entry("task", "task"),
            Map.entry("control", "control version"), Map.entry("arms[0].version", "control version"),
            Map.entry("treatment", "treatment version"), Map.entry("arms[1].version", "treatment version"),
            Map.entry("treatmentShare", "treatment share"), Map.entry("arms[0].weight", "treatment share"),
            Map.entry("arms[1].weight", "treatment share"),
            Map.entry("arms", "treatment share"), Map.entry("ramp", "ramp"),
            Map.entry("successMetric", "success metric"), Map.entry("successMetrics[0].name", "success metric"),
            Map.entry("successKind", "success metric kind"), Map.entry("guardrailMetric", "guardrail metric"),
            Map.entry("guardrails[0].name", "guardrail metric"), Map.entry("guardrailMargin", "guardrail margin"),
            Map.entry("guardrails[0].margin", "guardrail margin"));

    /** A new form: the task asked for, half and half, every unit, a conversion metric and a log-loss guardrail. */
    static NewExperiment of(String task) {
        return new NewExperiment(null, task, null, null, "50", "100", "conversion", MetricKind.PROPORTION.name(),
                "log_loss", "5");
    }

    /** The API's request; refused (naming the form's field) when a number is no number or a required field is empty. */
    CreateExperiment request() {
        Integer controlVersion = FormNumbers.whole(control, "control", label("control"));
        Integer treatmentVersion = FormNumbers.whole(treatment, "treatment", label("treatment"));
        Double share = FormNumbers.share(treatmentShare, "treatmentShare", label("treatmentShare"));
        Double rampShare = FormNumbers.share(ramp, "ramp", label("ramp"));
        Double margin = FormNumbers.share(guardrailMargin, "guardrailMargin", label("guardrailMargin"));
        if (share != null && !(share > 0 && share < 1)) {
            throw ApiException.badRequest("invalid-input", "a percentage above 0 and below 100, got "
                    + treatmentShare.strip(), "treatmentShare");
        }
        for (String[] field : new String[][] {{"name", name}, {"task", task}, {"control", control},
                {"treatment", treatment}}) {
            if (blank(field[1])) {
                throw ApiException.badRequest("invalid-input", "required", field[0]);
            }
        }
        MetricKind kind = blank(successKind) ? MetricKind.PROPORTION : Arrays.stream(MetricKind.values())
                .filter(k -> k.name().equals(successKind.strip())).findFirst()
                .orElseThrow(() -> ApiException.badRequest("invalid-input", "must be one of "
                        + Arrays.toString(MetricKind.values()), "successKind"));
        double treatmentWeight = share == null ? 0.5 : share;
        List<SuccessMetricSpec> success = blank(successMetric) ? List.of() : List.of(
                new SuccessMetricSpec(successMetric.strip(), kind, NonInferiority.Direction.HIGHER_IS_BETTER));
        List<GuardrailSpec> guardrails = blank(guardrailMetric) ? List.of()
                : List.of(new GuardrailSpec(guardrailMetric.strip(), MetricKind.MEAN,
                NonInferiority.Direction.LOWER_IS_BETTER, margin == null ? 0.05 : margin,
                NonInferiority.MarginType.RELATIVE));
        return new CreateExperiment(name.strip(), task.strip(), null, null,
                List.of(new ArmSpec("control", controlVersion, 1 - treatmentWeight),
                        new ArmSpec("treatment", treatmentVersion, treatmentWeight)),
                rampShare == null ? 1.0 : rampShare, success, guardrails, null, null);
    }

    /**
     * The service's refusal of a share the form takes in percent (ramp, treatment share, guardrail margin), said in
     * percent ({@link InPercent}); any other refusal as it is.
     */
    ApiException inPercent(ApiException e) {
        String field = e.problem().field();
        String said = field == null ? null : switch (field) {
            case "ramp" -> InPercent.ramp(ramp);
            case "arms", "arms[0].weight", "arms[1].weight" -> InPercent.share(treatmentShare);
            case "guardrails[0].margin" -> InPercent.margin(guardrailMargin);
            default -> null;
        };
        return said == null ? e : ApiException.badRequest("invalid-input", said, field);
    }

    private static String label(String field) {
        String label = LABELS.get(field);
        return Character.toUpperCase(label.charAt(0)) + label.substring(1);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

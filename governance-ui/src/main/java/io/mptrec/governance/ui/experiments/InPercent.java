package io.mptrec.governance.ui.experiments;

import io.mptrec.ab.experiment.service.ExperimentService;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The experiment service's refusals of a share, said in the percent the pages take it in, with the service's bounds
 * and what was typed: the service checks shares ("ramp must be in [0, 1]", "must be in [0, 10.0]"), the forms never
 * show one. The rules stay the service's; this only says them in the form's units.
 */
final class InPercent {

    private InPercent() {
    }

    /** A ramp ({@link ExperimentService#requireRamp}): steps of one of {@link ExperimentService#RAMP_STEPS}. */
    static String ramp(String typed) {
        return "a percentage of all units from 0 to 100 in steps of " + step() + ", got " + typed(typed);
    }

    /** A treatment share whose arm, or the control's, would get less than one bucket of the assignment. */
    static String share(String typed) {
        return "each arm needs at least " + step() + " % of the experiment's units (one of its "
                + String.format(Locale.ROOT, "%,d", ExperimentService.RAMP_STEPS) + " buckets): a percentage from "
                + step() + " to " + percent(1 - 1.0 / ExperimentService.RAMP_STEPS) + ", got " + typed(typed);
    }

    /** A relative guardrail margin ({@link ExperimentService#MAX_RELATIVE_MARGIN}). */
    static String margin(String typed) {
        return "a percentage of the control mean from 0 to " + percent(ExperimentService.MAX_RELATIVE_MARGIN) + ", got "
                + typed(typed);
    }

    private static String step() {
        return percent(1.0 / ExperimentService.RAMP_STEPS);
    }

    /** A share as the percent the forms show: 0.0001 is "0.01", 10 is "1000". */
    private static String percent(double share) {
        return BigDecimal.valueOf(share).movePointRight(2).stripTrailingZeros().toPlainString();
    }

    private static String typed(String text) {
        return text == null || text.isBlank() ? "nothing" : "'" + text.strip() + "'";
    }
}

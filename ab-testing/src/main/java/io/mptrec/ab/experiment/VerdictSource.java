package io.mptrec.ab.experiment;

import io.mptrec.ab.statistics.DecisionRule;

import java.util.List;

/**
 * The decision rule's verdict on each treatment of an experiment, from its data as it is now. The results feature
 * answers (it reads and analyses the data, {@code ResultsService}); promotion asks through this interface, so that the
 * experiment, the aggregate root, does not depend on a feature built on it.
 */
public interface VerdictSource {

    Verdicts verdicts(Experiment e);

    /**
     * @param explanation the decision rule's words for the overall verdict
     * @param treatments  each treatment arm, in the experiment's order
     */
    record Verdicts(String explanation, List<TreatmentVerdict> treatments) {

        public Verdicts {
            treatments = List.copyOf(treatments);
        }
    }

    record TreatmentVerdict(String arm, DecisionRule.Verdict verdict, String explanation) {
    }
}

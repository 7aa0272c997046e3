package io.mptrec.ab.guardrail.service;

import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.experiment.service.ExperimentService;
import io.mptrec.ab.results.ExperimentResults;
import io.mptrec.ab.results.service.ResultsService;
import io.mptrec.ab.statistics.DecisionRule;
import io.mptrec.registry.problem.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Evaluates the guardrails of RUNNING experiments, on a schedule ({@code mptrec.ab.guardrails.every}, default 30s;
 * {@code off} disables it) and on demand. A breach (a treatment's guardrail FAILs non-inferiority, so the decision
 * rule says ROLL_BACK) pauses the experiment in the same transaction as its audit entry (actor {@code system},
 * action {@code GUARDRAIL_PAUSE}, the decision's explanation as reason). Paused, the serving path sends every
 * request of the task to the control version.
 */
@ApplicationScoped
public class GuardrailService {

    private static final Logger LOG = Logger.getLogger(GuardrailService.class);

    private final ResultsService results;
    private final ExperimentService experiments;

    public GuardrailService(ResultsService results, ExperimentService experiments) {
        this.results = results;
        this.experiments = experiments;
    }

    /** @param paused whether this evaluation paused the experiment */
    public record Evaluation(ExperimentResults results, boolean paused) {
    }

    @Transactional
    public Evaluation evaluate(long id) {
        Experiment e = experiments.findExperimentById(id)
                .orElseThrow(() -> ApiException.notFound("no experiment " + id, "id"));
        ExperimentResults r = results.results(e);
        if (e.status == ExperimentStatus.RUNNING && r.verdict() == DecisionRule.Verdict.ROLL_BACK) {
            experiments.pauseForGuardrail(id, "guardrail breach: " + r.explanation());
            LOG.warnf("experiment %d (%s) paused: %s", id, e.name, r.explanation());
            return new Evaluation(results.results(e), true);
        }
        return new Evaluation(r, false);
    }

    @Scheduled(every = "${mptrec.ab.guardrails.every:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evaluateRunning() {
        List<Long> running = QuarkusTransaction.requiringNew().call(() ->
                Experiment.listByStatus(ExperimentStatus.RUNNING).stream().map(x -> x.id).toList());
        for (long id : running) {
            try {
                evaluate(id);
            } catch (RuntimeException ex) {
                // A concurrent change (e.g. a manual pause) wins; the next run looks again.
                LOG.warnf("guardrail evaluation of experiment %d failed: %s", id, ex.getMessage());
            }
        }
    }
}

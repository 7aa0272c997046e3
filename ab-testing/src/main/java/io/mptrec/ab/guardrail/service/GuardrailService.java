package io.mptrec.ab.guardrail.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mptrec.ab.analysis.ExperimentResults;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.experiment.service.ExperimentService;
import io.mptrec.ab.results.service.ResultsService;
import io.mptrec.ab.statistics.DecisionRule;
import io.mptrec.kernel.audit.AuditAction;
import io.mptrec.kernel.audit.Change;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.problem.ProblemMappers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates the guardrails of RUNNING experiments, on a schedule ({@code mptrec.ab.guardrails.every}, default 30s;
 * {@code off} disables it) and on demand. A breach (a treatment's guardrail FAILs non-inferiority, so the decision
 * rule says ROLL_BACK) pauses the experiment in the same transaction as its audit entry (actor {@code system},
 * action {@code GUARDRAIL_PAUSE}, the decision's explanation as reason). Paused, the serving path sends every
 * request of the task to the control version.
 *
 * <p>The scheduled sweep isolates a failing experiment: an evaluation that throws (broken data, a database error) is
 * logged, counted ({@code mptrec.guardrails.failures}) and the sweep goes on with the next experiment. The failure is
 * audited (action {@code GUARDRAIL_ERROR}, actor {@code system}, the error as reason) when it starts, not on every
 * sweep: once per experiment until an evaluation of it succeeds again or it leaves RUNNING (per instance; the state
 * is in memory, so a restart audits a lasting failure once more).
 */
@ApplicationScoped
public class GuardrailService {

    private static final Logger LOG = Logger.getLogger(GuardrailService.class);

    public static final String FAILURES = "mptrec.guardrails.failures";

    private final ResultsService results;
    private final ExperimentService experiments;
    private final Counter failures;
    /** Experiments whose last scheduled evaluation failed: their failure is audited already. */
    private final Set<Long> failing = ConcurrentHashMap.newKeySet();

    public GuardrailService(ResultsService results, ExperimentService experiments, MeterRegistry meters) {
        this.results = results;
        this.experiments = experiments;
        this.failures = Counter.builder(FAILURES)
                .description("Guardrail evaluations of an experiment that failed (the sweep went on with the others)")
                .register(meters);
    }

    /** @param paused whether this evaluation paused the experiment */
    public record Evaluation(ExperimentResults results, boolean paused) {
    }

    /**
     * One sweep over the RUNNING experiments.
     *
     * @param paused experiments this sweep paused on a breach
     * @param failed experiments whose evaluation failed (logged, counted, audited when the failure started)
     */
    public record Sweep(List<Long> paused, List<Long> failed) {
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
    void scheduledEvaluation() {
        evaluateRunning();
    }

    /** Evaluates every RUNNING experiment, each on its own: one that fails does not stop the others. */
    public Sweep evaluateRunning() {
        List<Long> running = QuarkusTransaction.requiringNew().call(() ->
                Experiment.listByStatus(ExperimentStatus.RUNNING).stream().map(x -> x.id).toList());
        failing.retainAll(running); // paused or stopped meanwhile: a failure after a resume is audited anew
        List<Long> paused = new ArrayList<>();
        List<Long> failed = new ArrayList<>();
        for (long id : running) {
            try {
                if (evaluate(id).paused()) {
                    paused.add(id);
                }
                if (failing.remove(id)) {
                    LOG.infof("guardrail evaluation of experiment %d succeeds again", id);
                }
            } catch (RuntimeException ex) {
                if (ex instanceof ApiException || ProblemMappers.conflict(ex) != null) {
                    // A concurrent change (e.g. a manual pause or stop) won; the next sweep looks again.
                    LOG.warnf("guardrail evaluation of experiment %d skipped: %s", id, ex.getMessage());
                } else {
                    failed.add(id);
                    failed(id, ex);
                }
            }
        }
        return new Sweep(paused, failed);
    }

    private void failed(long id, RuntimeException ex) {
        failures.increment();
        if (!failing.add(id)) {
            LOG.errorf("guardrail evaluation of experiment %d still fails: %s", id, ex);
            return;
        }
        LOG.errorf(ex, "guardrail evaluation of experiment %d failed; its guardrails are not checked until it "
                + "succeeds again (audited once as GUARDRAIL_ERROR)", id);
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = "guardrail evaluation failed (" + root.getClass().getSimpleName() + ": " + root.getMessage()
                + "); its guardrails are not checked until an evaluation succeeds";
        try {
            QuarkusTransaction.requiringNew().run(() -> experiments.findExperimentById(id).ifPresent(e ->
                    experiments.record(Change.of(ExperimentService.SYSTEM, AuditAction.GUARDRAIL_ERROR, e.taskName)
                            .because(reason.length() > 4000 ? reason.substring(0, 4000) : reason))));
        } catch (RuntimeException auditFailure) {
            failing.remove(id); // audited on the next sweep instead
            LOG.errorf(auditFailure, "could not audit the failed guardrail evaluation of experiment %d", id);
        }
    }
}

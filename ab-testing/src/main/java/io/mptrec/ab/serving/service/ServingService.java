package io.mptrec.ab.serving.service;

import io.mptrec.ab.assignment.Allocation;
import io.mptrec.ab.assignment.Assigner;
import io.mptrec.ab.assignment.Assignment;
import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentArm;
import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.serving.Exposure;
import io.mptrec.ab.serving.ScoreRequests.ExperimentRef;
import io.mptrec.ab.serving.ScoreRequests.ScoreRequest;
import io.mptrec.ab.serving.ScoreRequests.ScoreResponse;
import io.mptrec.ab.serving.ScoreRequests.VersionRef;
import io.mptrec.model.scoring.Scorer;
import io.mptrec.registry.problem.ApiException;
import io.mptrec.registry.security.Names;
import io.mptrec.registry.task.Label;
import io.mptrec.registry.task.Task;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The serving path: resolve the version for (task, unit), score, record the exposure, in one transaction.
 *
 * <p>Resolution, read from the database on every request (one short read transaction) (so a release, rollback, start, pause or ramp change
 * committed before a request starts is honoured by that request, on every replica, without a restart):
 * <ol>
 *   <li>the task's RUNNING experiment, if the unit is inside its ramp: the unit's arm (deterministic, sticky);</li>
 *   <li>the task's PAUSED experiment: the control arm's version for every unit (not analysed: the exposure is
 *       recorded without experiment and arm);</li>
 *   <li>otherwise the version the {@code production} label points to.</li>
 * </ol>
 * Scorers are cached by content hash ({@link ScorerCache}); only the pointer is re-read.
 */
@ApplicationScoped
public class ServingService {

    private static final Pattern ROW_ERROR = Pattern.compile("^row (\\d+), column '([^']*)'");

    private final Clock clock;
    private final AbConfig config;
    private final ScorerCache scorers;
    private final ExposureWriter exposures;
    private final Assigner assigner = new Assigner();
    /** Arms of an experiment at a row version (arms never change; status and ramp bump the row version). */
    private final Map<Long, Routing> routings = new ConcurrentHashMap<>();

    public ServingService(Clock clock, AbConfig config, ScorerCache scorers, ExposureWriter exposures) {
        this.clock = clock;
        this.config = config;
        this.scorers = scorers;
        this.exposures = exposures;
    }

    record Target(String arm, long versionId, int number, String contentSha256, String encoderSha256) {
    }

    record Routing(long rowVersion, long taskId, ExperimentRef ref, Allocation allocation, List<Target> arms) {
    }

    private record Resolved(Target target, long taskId, String how, ExperimentRef ref) {
    }

    /**
     * Resolves in a short read transaction, scores outside it, then stores the exposure through the group-committing
     * {@link ExposureWriter} and returns once it is committed.
     */
    public ScoreResponse score(@Valid @NotNull ScoreRequest request) {
        String task = Names.requireName(request.task(), "task");
        String unitId = request.unitId();
        if (unitId.isEmpty() || unitId.length() > 200) {
            throw ApiException.badRequest("invalid-input", "unitId must have 1 to 200 characters", "unitId");
        }
        List<Map<String, String>> rows = request.rows();
        if (rows.isEmpty() || rows.size() > config.serving().maxRows()) {
            throw ApiException.badRequest("invalid-input", "rows must hold 1 to " + config.serving().maxRows()
                    + " candidates, got " + rows.size(), "rows");
        }
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i) == null) {
                throw ApiException.badRequest("invalid-row", "row " + i + " is null", "rows[" + i + "]");
            }
        }

        Resolved resolved = QuarkusTransaction.requiringNew().call(() -> resolve(task, unitId));
        Target target = resolved.target();
        String how = resolved.how();

        Scorer scorer = scorers.scorerFor(target.encoderSha256(), target.contentSha256(), target.versionId());
        float[] scores;
        try {
            scores = scorer.score(rows);
        } catch (IllegalArgumentException e) {
            Matcher m = ROW_ERROR.matcher(String.valueOf(e.getMessage()));
            String field = m.find() ? "rows[" + m.group(1) + "]." + m.group(2) : "rows";
            throw ApiException.badRequest("invalid-row", e.getMessage(), field);
        }

        boolean analysed = "experiment".equals(how);
        Exposure exposure = new Exposure();
        exposure.requestId = UUID.randomUUID().toString();
        exposure.taskId = resolved.taskId();
        exposure.experimentId = analysed ? resolved.ref().id() : null;
        exposure.arm = analysed ? target.arm() : null;
        exposure.unitId = unitId;
        exposure.promptVersionId = target.versionId();
        exposure.scoredAt = clock.instant();
        exposure.candidates = scores.length;
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            sum += s;
            max = Math.max(max, s);
        }
        exposure.scoreFirst = scores[0];
        exposure.scoreMean = sum / scores.length;
        exposure.scoreMax = max;
        exposures.write(exposure);

        ExperimentRef ref = "outside-ramp".equals(how) ? null : resolved.ref();
        return new ScoreResponse(exposure.requestId, task, new VersionRef(target.number(), target.contentSha256()),
                ref, ref == null ? null : target.arm(), how, scores);
    }

    private Resolved resolve(String task, String unitId) {
        Target target = null;
        Routing routing = null;
        String how;
        Experiment active = Experiment.findActiveByTaskName(task).orElse(null);
        if (active != null) {
            routing = routing(active);
            if (active.status == ExperimentStatus.PAUSED) {
                target = routing.arms().get(0);
                how = "paused-control";
            } else {
                Assignment assignment;
                try {
                    assignment = assigner.assign(routing.allocation(), unitId).orElse(null);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("invalid-input", e.getMessage(), "unitId");
                }
                if (assignment != null) {
                    target = routing.arms().get(assignment.armIndex());
                    how = "experiment";
                } else {
                    how = "outside-ramp";
                }
            }
        } else {
            how = "production";
        }
        if (target == null) {
            Object[] p = production(task);
            return new Resolved(new Target(null, (Long) p[0], (Integer) p[1], (String) p[2], (String) p[3]),
                    (Long) p[4], how, routing == null ? null : new ExperimentRef(routing.ref().id(), routing.ref().name(), active.status));
        }
        return new Resolved(target, routing.taskId(), how,
                new ExperimentRef(routing.ref().id(), routing.ref().name(), active.status));

    }

    private Routing routing(Experiment e) {
        Routing cached = routings.get(e.id);
        if (cached != null && cached.rowVersion() == e.rowVersion) {
            return cached;
        }
        List<Target> arms = e.arms.stream().map(ServingService::target).toList();
        Routing fresh = new Routing(e.rowVersion, e.task.id, new ExperimentRef(e.id, e.name, e.status),
                e.allocation(), arms);
        routings.put(e.id, fresh);
        return fresh;
    }

    private static Target target(ExperimentArm arm) {
        return new Target(arm.name, arm.version.id, arm.version.number, arm.version.contentSha256,
                arm.version.encoderSha256);
    }

    /** id, number, content hash, encoder hash of the production version, and the task id. */
    private static Object[] production(String task) {
        List<Object[]> rows = Label.getEntityManager().createQuery(
                        "select v.id, v.number, v.contentSha256, v.encoderSha256, t.id from Label l join l.version v "
                                + "join l.task t where t.name = ?1 and l.name = ?2", Object[].class)
                .setParameter(1, task).setParameter(2, Label.PRODUCTION).getResultList();
        if (rows.isEmpty()) {
            if (Task.findByName(task).isEmpty()) {
                throw ApiException.notFound("no task named '" + task + "'", "task");
            }
            throw ApiException.conflict("no-production", "task '" + task + "' has no production version to serve");
        }
        return rows.get(0);
    }
}

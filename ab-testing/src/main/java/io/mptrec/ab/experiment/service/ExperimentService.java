package io.mptrec.ab.experiment.service;

import io.mptrec.ab.assignment.Allocation;
import io.mptrec.ab.assignment.Assigner;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentArm;
import io.mptrec.ab.experiment.ExperimentMetric;
import io.mptrec.ab.experiment.ExperimentRequests.ArmSpec;
import io.mptrec.ab.experiment.ExperimentRequests.CreateExperiment;
import io.mptrec.ab.experiment.ExperimentRequests.GuardrailSpec;
import io.mptrec.ab.experiment.ExperimentRequests.SuccessMetricSpec;
import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.experiment.ExperimentView;
import io.mptrec.ab.experiment.MetricRole;
import io.mptrec.registry.audit.service.AuditService;
import io.mptrec.registry.problem.ApiException;
import io.mptrec.registry.security.Names;
import io.mptrec.registry.task.Task;
import io.mptrec.registry.version.PromptVersion;
import io.mptrec.registry.version.service.VersionService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Creates experiments and moves them through DRAFT -> RUNNING <-> PAUSED -> STOPPED. Every change and its audit
 * entry commit in one transaction; the experiment's optimistic lock settles concurrent changes (409), and every
 * status or ramp change bumps the task's lock, so that two experiments of one task cannot both start and serving
 * sees the change on its next request.
 */
@ApplicationScoped
@Transactional
public class ExperimentService {

    public static final String SYSTEM = "system";

    private final Clock clock;
    private final VersionService versions;
    private final AuditService audit;

    public ExperimentService(Clock clock, VersionService versions, AuditService audit) {
        this.clock = clock;
        this.versions = versions;
        this.audit = audit;
    }

    public Experiment persistExperiment(@Valid @NotNull CreateExperiment req, String actor) {
        String name = Names.requireName(req.name(), "name");
        Task task = versions.findTask(Names.requireName(req.task(), "task"));
        if (Experiment.findByName(name).isPresent()) {
            throw ApiException.conflict("duplicate-name", "an experiment named '" + name + "' exists");
        }
        Experiment e = new Experiment();
        e.name = name;
        e.task = task;
        e.salt = req.salt() == null ? name : req.salt();
        Names.requireText(e.salt, 100, "salt");
        e.hashVersion = req.hashVersion() == null ? Assigner.HASH_VERSION_1 : req.hashVersion();
        if (e.hashVersion != Assigner.HASH_VERSION_1) {
            throw ApiException.badRequest("invalid-input", "hashVersion " + e.hashVersion
                    + " is not defined; only " + Assigner.HASH_VERSION_1 + " is", "hashVersion");
        }
        e.ramp = req.ramp() == null ? 1.0 : req.ramp();
        e.alpha = req.alpha() == null ? 0.05 : req.alpha();
        if (!(e.alpha > 0 && e.alpha < 0.5)) {
            throw ApiException.badRequest("invalid-input", "alpha must be in (0, 0.5)", "alpha");
        }
        e.plannedPerArm = req.plannedPerArm() == null ? 10_000 : req.plannedPerArm();
        if (e.plannedPerArm < 100) {
            throw ApiException.badRequest("invalid-input", "plannedPerArm must be >= 100", "plannedPerArm");
        }
        Set<Integer> versionsUsed = new HashSet<>();
        for (ArmSpec spec : req.arms()) {
            ExperimentArm arm = new ExperimentArm();
            arm.name = Names.requireName(spec.name(), "arms.name");
            PromptVersion version = versions.findVersion(task.name, spec.version());
            if (!version.encoderSha256.equals(task.encoder.contentSha256)) {
                throw ApiException.badRequest("wrong-encoder", "version " + version.number
                        + " was trained for another encoder than the task's", "arms.version");
            }
            if (!versionsUsed.add(version.number)) {
                throw ApiException.badRequest("invalid-input", "version " + version.number
                        + " appears in two arms", "arms.version");
            }
            arm.version = version;
            arm.weight = spec.weight();
            e.arms.add(arm);
        }
        allocation(e); // validates arms, weights and ramp as the assignment spec requires
        Set<String> metricNames = new HashSet<>();
        List<SuccessMetricSpec> success = req.successMetrics() == null ? List.of() : req.successMetrics();
        for (SuccessMetricSpec s : success) {
            ExperimentMetric m = new ExperimentMetric();
            m.role = MetricRole.SUCCESS;
            m.name = metricName(s.name(), "successMetrics.name", metricNames);
            m.kind = s.kind();
            m.direction = s.direction();
            e.metrics.add(m);
        }
        List<GuardrailSpec> guardrails = req.guardrails() == null ? List.of() : req.guardrails();
        for (GuardrailSpec g : guardrails) {
            ExperimentMetric m = new ExperimentMetric();
            m.role = MetricRole.GUARDRAIL;
            m.name = metricName(g.name(), "guardrails.name", metricNames);
            m.kind = g.kind();
            m.direction = g.direction();
            if (!(g.margin() >= 0) || g.margin().isInfinite()) {
                throw ApiException.badRequest("invalid-input", "a guardrail margin must be finite and >= 0",
                        "guardrails.margin");
            }
            m.margin = g.margin();
            m.marginType = g.marginType();
            e.metrics.add(m);
        }
        e.status = ExperimentStatus.DRAFT;
        e.createdBy = actor;
        e.createdAt = clock.instant();
        e.persist();
        Experiment.flush();
        record(actor, "EXPERIMENT_CREATE", e, null, describe(e), null);
        return e;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Experiment> findExperimentById(long id) {
        return Experiment.findByIdOptional(id);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Experiment> findAllExperiments() {
        return Experiment.listAllOrdered();
    }

    /** Views are built inside the transaction (arms and metrics load lazily). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ExperimentView> findAllExperimentViews() {
        return Experiment.<Experiment>listAllOrdered().stream().map(ExperimentView::of).toList();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<ExperimentView> findExperimentViewById(long id) {
        return Experiment.<Experiment>findByIdOptional(id).map(ExperimentView::of);
    }

    /** The REST edge's variant of the changes below: the view of the committed state. */
    public ExperimentView createExperimentView(@Valid @NotNull CreateExperiment req, String actor) {
        return ExperimentView.of(persistExperiment(req, actor));
    }

    public ExperimentView startView(long id, String actor, String reason) {
        return ExperimentView.of(start(id, actor, reason));
    }

    public ExperimentView pauseView(long id, String actor, String reason) {
        return ExperimentView.of(pause(id, actor, reason));
    }

    public ExperimentView stopView(long id, String actor, String reason) {
        return ExperimentView.of(stop(id, actor, reason));
    }

    public ExperimentView changeRampView(long id, double ramp, String actor, String reason) {
        return ExperimentView.of(changeRamp(id, ramp, actor, reason));
    }

    /** DRAFT or PAUSED -> RUNNING (resuming a paused one keeps its data). */
    public Experiment start(long id, String actor, String reason) {
        requireReason(reason);
        Experiment e = require(id);
        if (e.status != ExperimentStatus.DRAFT && e.status != ExperimentStatus.PAUSED) {
            throw ApiException.conflict("invalid-transition", "experiment " + id + " is " + e.status
                    + "; only a DRAFT or PAUSED experiment can be started");
        }
        Optional<Experiment> other = Experiment.findActiveByTaskName(e.task.name);
        if (other.isPresent() && !other.get().id.equals(e.id)) {
            throw ApiException.conflict("experiment-active", "task '" + e.task.name + "' already routes traffic through "
                    + "experiment " + other.get().id + " (" + other.get().status + "); stop it first");
        }
        String before = describe(e);
        boolean resume = e.status == ExperimentStatus.PAUSED;
        e.status = ExperimentStatus.RUNNING;
        if (e.startedAt == null) {
            e.startedAt = clock.instant();
        }
        e.statusReason = reason;
        return changed(actor, resume ? "EXPERIMENT_RESUME" : "EXPERIMENT_START", e, before, reason);
    }

    /** RUNNING -> PAUSED: every request of the task is then served the control version. */
    public Experiment pause(long id, String actor, String reason) {
        requireReason(reason);
        return pause(require(id), actor, "EXPERIMENT_PAUSE", reason);
    }

    /** The guardrail evaluator's pause (actor {@code system}). */
    public Experiment pauseForGuardrail(long id, String reason) {
        return pause(require(id), SYSTEM, "GUARDRAIL_PAUSE", reason);
    }

    public Experiment stop(long id, String actor, String reason) {
        requireReason(reason);
        Experiment e = require(id);
        if (e.status == ExperimentStatus.STOPPED) {
            throw ApiException.conflict("invalid-transition", "experiment " + id + " is already STOPPED");
        }
        String before = describe(e);
        e.status = ExperimentStatus.STOPPED;
        e.stoppedAt = clock.instant();
        e.statusReason = reason;
        return changed(actor, "EXPERIMENT_STOP", e, before, reason);
    }

    /** Ramp steps are sticky by the assignment's design: a unit included at a smaller ramp stays in, in its arm. */
    public Experiment changeRamp(long id, double ramp, String actor, String reason) {
        requireReason(reason);
        Experiment e = require(id);
        if (e.status == ExperimentStatus.STOPPED) {
            throw ApiException.conflict("invalid-transition", "experiment " + id + " is STOPPED");
        }
        String before = describe(e);
        e.ramp = ramp;
        allocation(e);
        return changed(actor, "EXPERIMENT_RAMP", e, before, reason);
    }

    private Experiment pause(Experiment e, String actor, String action, String reason) {
        if (e.status != ExperimentStatus.RUNNING) {
            throw ApiException.conflict("invalid-transition", "experiment " + e.id + " is " + e.status
                    + "; only a RUNNING experiment can be paused");
        }
        String before = describe(e);
        e.status = ExperimentStatus.PAUSED;
        e.statusReason = reason;
        return changed(actor, action, e, before, reason);
    }

    /**
     * Every status or ramp change also bumps the task's optimistic lock: two experiments of one task cannot both
     * start, and the bumped row version is the serving stamp ({@code RoutingCache}) that makes every replica
     * re-read the task's routing on its next request.
     */
    private Experiment changed(String actor, String action, Experiment e, String before, String reason) {
        Task.getEntityManager().lock(e.task, LockModeType.OPTIMISTIC_FORCE_INCREMENT);
        Experiment.flush(); // the loser of a concurrent change gets its 409 here
        record(actor, action, e, before, describe(e), reason);
        return e;
    }

    /** Audit entry in the caller's transaction (the registry's AuditService requires one). */
    public void record(String actor, String action, Experiment e, String before, String after, String reason) {
        audit.record(actor, action, e.task.name, null, before, after, reason, false);
    }

    /**
     * A reason is optional; given, it is stored (status_reason, the audit entry): at most 4000 characters, no control
     * character but line breaks and tabs.
     */
    public static void requireReason(String reason) {
        if (reason != null && !reason.isEmpty()) {
            Names.requireProse(reason, 4000, "reason");
        }
    }

    private static Experiment require(long id) {
        return Experiment.<Experiment>findByIdOptional(id)
                .orElseThrow(() -> ApiException.notFound("no experiment " + id, "id"));
    }

    private static Allocation allocation(Experiment e) {
        try {
            return e.allocation();
        } catch (IllegalArgumentException ex) {
            String message = ex.getMessage();
            String field = message.contains(":") ? message.substring(0, message.indexOf(':')) : "arms";
            field = switch (field) {
                case "ramp", "salt" -> field;
                case "name" -> "arms.name";
                case "weight" -> "arms.weight";
                default -> "arms";
            };
            throw ApiException.badRequest("invalid-allocation", message, field);
        }
    }

    private static String metricName(String name, String field, Set<String> seen) {
        Names.requireName(name, field);
        if (!seen.add(name)) {
            throw ApiException.badRequest("invalid-input", "metric '" + name + "' is listed twice", field);
        }
        return name;
    }

    /** Short state for the audit log's before/after columns (at most 200 characters). */
    static String describe(Experiment e) {
        String s = String.format(Locale.ROOT, "experiment %d '%s' %s ramp=%s", e.id, e.name, e.status, e.ramp);
        return s.length() > 200 ? s.substring(0, 200) : s;
    }
}

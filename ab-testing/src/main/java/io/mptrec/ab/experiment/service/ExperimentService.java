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
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.experiment.MetricRole;
import io.mptrec.ab.kpi.KpiValues;
import io.mptrec.ab.statistics.NonInferiority;
import io.mptrec.kernel.audit.AuditAction;
import io.mptrec.kernel.audit.Change;
import io.mptrec.kernel.audit.Ledger;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Actor;
import io.mptrec.kernel.security.Names;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.LiveTrafficDecision;
import io.mptrec.registry.api.PromptRegistry;
import io.mptrec.registry.api.VersionRef;
import io.mptrec.registry.api.VersionWithdrawn;
import io.mptrec.registry.api.Views.TaskView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Creates experiments and moves them through DRAFT -> RUNNING <-> PAUSED -> STOPPED. Every change and its audit
 * entry commit in one transaction; the experiment's optimistic lock settles concurrent changes (409), and every
 * status or ramp change bumps the task's serving stamp through the registry ({@link PromptRegistry#servingChanged}),
 * so that two experiments of one task cannot both start and serving sees the change on its next request.
 *
 * <p>Live traffic only to reviewed versions: a start, a resume and a ramp increase of a RUNNING experiment ask the
 * registry ({@link PromptRegistry#liveTraffic}) about every arm's version; an arm it refuses is a 409
 * {@code unreviewed-arm}, unless an admin goes ahead with a reason (audited as an admin bypass). A version withdrawn
 * by the registry (rejected, retired, rolled back) pauses the RUNNING experiment that serves it.
 */
@ApplicationScoped
@Transactional
public class ExperimentService {

    public static final String SYSTEM = "system";

    private final Clock clock;
    private final Catalog catalog;
    private final Ledger ledger;
    private final PromptRegistry registry;

    public ExperimentService(Clock clock, Catalog catalog, Ledger ledger, PromptRegistry registry) {
        this.clock = clock;
        this.catalog = catalog;
        this.ledger = ledger;
        this.registry = registry;
    }

    /** One arm and the registry's answer for its version. */
    public record ArmTraffic(String arm, LiveTrafficDecision decision) {
    }

    /** The registry's answer for every arm's version, control first. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ArmTraffic> liveTraffic(Experiment e) {
        return e.arms.stream().map(a -> new ArmTraffic(a.name, registry.liveTraffic(a.versionId))).toList();
    }

    public Experiment persistExperiment(@Valid @NotNull CreateExperiment req, String actor) {
        String name = Names.requireName(req.name(), "name");
        List<SuccessMetricSpec> success = req.successMetrics() == null ? List.of() : req.successMetrics();
        List<GuardrailSpec> guardrails = req.guardrails() == null ? List.of() : req.guardrails();
        requireAtMost(req.arms().size(), MAX_ARMS, "arms");
        requireAtMost(success.size(), MAX_METRICS_PER_ROLE, "successMetrics");
        requireAtMost(guardrails.size(), MAX_METRICS_PER_ROLE, "guardrails");
        TaskView task = catalog.task(Names.requireName(req.task(), "task"));
        if (Experiment.findByName(name).isPresent()) {
            throw ApiException.conflict("duplicate-name", "an experiment named '" + name + "' exists");
        }
        Experiment e = new Experiment();
        e.name = name;
        e.taskName = task.name();
        e.salt = req.salt() == null ? name : req.salt();
        Names.requireText(e.salt, 100, "salt");
        e.hashVersion = req.hashVersion() == null ? Assigner.HASH_VERSION_1 : req.hashVersion();
        if (e.hashVersion != Assigner.HASH_VERSION_1) {
            throw ApiException.badRequest("invalid-input", "hashVersion " + e.hashVersion
                    + " is not defined; only " + Assigner.HASH_VERSION_1 + " is", "hashVersion");
        }
        e.ramp = req.ramp() == null ? 1.0 : requireRamp(req.ramp());
        e.alpha = req.alpha() == null ? 0.05 : req.alpha();
        // a smaller alpha asks for intervals no sample reaches (and 1e-320 for infinite ones)
        if (!(e.alpha >= MIN_ALPHA && e.alpha < 0.5)) {
            throw ApiException.badRequest("invalid-input", "alpha must be in [" + MIN_ALPHA + ", 0.5)", "alpha");
        }
        e.plannedPerArm = req.plannedPerArm() == null ? 10_000 : req.plannedPerArm();
        if (e.plannedPerArm < 100 || e.plannedPerArm > MAX_PLANNED_PER_ARM) {
            throw ApiException.badRequest("invalid-input", "plannedPerArm must be in [100, " + MAX_PLANNED_PER_ARM
                    + "]", "plannedPerArm");
        }
        Set<Integer> versionsUsed = new HashSet<>();
        Set<String> armNames = new HashSet<>();
        for (int i = 0; i < req.arms().size(); i++) {
            ArmSpec spec = req.arms().get(i);
            String at = "arms[" + i + "].";
            ExperimentArm arm = new ExperimentArm();
            arm.name = Names.requireName(spec.name(), at + "name");
            if (!armNames.add(arm.name)) {
                throw ApiException.badRequest("invalid-allocation", "duplicate arm name '" + arm.name + "'", at + "name");
            }
            VersionRef version = catalog.ref(task.name(), spec.version(), at + "version");
            if (!version.encoderSha256().equals(task.encoderSha256())) {
                throw ApiException.badRequest("wrong-encoder", "version " + version.number()
                        + " was trained for another encoder than the task's", at + "version");
            }
            if (!versionsUsed.add(version.number())) {
                throw ApiException.badRequest("invalid-input", "version " + version.number()
                        + " appears in two arms", at + "version");
            }
            e.taskId = version.taskId();
            arm.versionId = version.id();
            arm.versionNumber = version.number();
            arm.contentSha256 = version.contentSha256();
            arm.encoderSha256 = version.encoderSha256();
            if (!(spec.weight() >= 0 && spec.weight() <= 1)) {
                throw ApiException.badRequest("invalid-allocation", "arm '" + arm.name + "' has weight "
                        + spec.weight() + "; a weight is in [0, 1]", at + "weight");
            }
            if (spec.weight() > 0 && spec.weight() < 1.0 / RAMP_STEPS) {
                // the assignment has 10,000 buckets: such an arm would look like traffic and get no unit
                throw ApiException.badRequest("invalid-allocation", "arm '" + arm.name + "' has weight " + spec.weight()
                        + ": below one bucket (0.0001) it would get no unit; give 0 or at least 0.0001", at + "weight");
            }
            arm.weight = spec.weight() + 0.0; // -0.0 is 0
            e.arms.add(arm);
        }
        allocation(e); // validates arms, weights and ramp as the assignment spec requires
        Set<String> metricNames = new HashSet<>();
        for (int i = 0; i < success.size(); i++) {
            SuccessMetricSpec s = success.get(i);
            e.metrics.add(metric(MetricRole.SUCCESS, metricName(s.name(), "successMetrics[" + i + "].name", metricNames),
                    s.kind(), s.direction()));
        }
        for (int i = 0; i < guardrails.size(); i++) {
            GuardrailSpec g = guardrails.get(i);
            ExperimentMetric m = metric(MetricRole.GUARDRAIL, metricName(g.name(), "guardrails[" + i + "].name",
                    metricNames), g.kind(), g.direction());
            double maxMargin = g.marginType() == NonInferiority.MarginType.RELATIVE ? MAX_RELATIVE_MARGIN
                    : KpiValues.MAX_ABS;
            if (!(g.margin() >= 0 && g.margin() <= maxMargin)) {
                throw ApiException.badRequest("invalid-input", "a " + g.marginType() + " guardrail margin must be in "
                        + "[0, " + maxMargin + "]", "guardrails[" + i + "].margin");
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
        record(Change.of(actor, AuditAction.EXPERIMENT_CREATE, e.taskName).to(describe(e)));
        return e;
    }

    private static ExperimentMetric metric(MetricRole role, String name, MetricKind kind,
                                           NonInferiority.Direction direction) {
        ExperimentMetric m = new ExperimentMetric();
        m.role = role;
        m.name = name;
        m.kind = kind;
        m.direction = direction;
        return m;
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

    /**
     * What serves the task once production moves from {@code from} (null: none yet) to {@code to}, in words, by the
     * serving rule of the README ("Serving: which version answers"), for the pages that move production (release,
     * rollback), so that nobody reads a move as serving everyone while it does not. A RUNNING experiment with
     * {@code from} as an arm is paused by the move ({@link #onVersionWithdrawn}), and a paused experiment routes
     * nothing; any other RUNNING experiment keeps routing the units inside its ramp.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String productionMove(String task, Integer from, int to) {
        String everyRequest = "every request for '" + task + "' is then scored with v" + to + ".";
        return Experiment.findActiveByTaskName(task).map(e -> {
            String which = "experiment '" + e.name + "' (#" + e.id + ")";
            if (e.status == ExperimentStatus.PAUSED) {
                return capitalised(which) + " is PAUSED and routes nothing while paused: " + everyRequest
                        + " Resuming it routes the units inside its ramp to their arms again.";
            }
            String arms = from == null ? "" : e.arms.stream().filter(a -> a.versionNumber == from)
                    .map(a -> "'" + a.name + "'").collect(Collectors.joining(", "));
            if (!arms.isEmpty()) {
                return capitalised(which) + " serves v" + from + " in its arm " + arms + ": this takes v" + from
                        + " out of production, which pauses the experiment (audited as system), and a paused "
                        + "experiment routes nothing: " + everyRequest;
            }
            return "But " + which + " is RUNNING on '" + task + "': the units inside its ramp are scored with their "
                    + "arm's version; v" + to + " serves only the other requests. Stop the experiment for production "
                    + "to serve every request.";
        }).orElse(capitalised(everyRequest));
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<ExperimentView> findExperimentViewById(long id) {
        return Experiment.<Experiment>findByIdOptional(id).map(ExperimentView::of);
    }

    /** The REST edge's variant of the changes below: the view of the committed state. */
    public ExperimentView createExperimentView(@Valid @NotNull CreateExperiment req, String actor) {
        return ExperimentView.of(persistExperiment(req, actor));
    }

    public ExperimentView startView(long id, Actor actor, String reason) {
        return ExperimentView.of(start(id, actor, reason));
    }

    public ExperimentView pauseView(long id, String actor, String reason) {
        return ExperimentView.of(pause(id, actor, reason));
    }

    public ExperimentView stopView(long id, String actor, String reason) {
        return ExperimentView.of(stop(id, actor, reason));
    }

    public ExperimentView changeRampView(long id, double ramp, Actor actor, String reason) {
        return ExperimentView.of(changeRamp(id, ramp, actor, reason));
    }

    /**
     * DRAFT or PAUSED -> RUNNING (resuming a paused one keeps its data). Every arm's version must be allowed live
     * traffic by the registry, or the actor is an admin who gives a reason (an audited bypass).
     */
    public Experiment start(long id, Actor actor, String given) {
        String reason = requireReason(given);
        Experiment e = changing(id);
        if (!e.status.canStart()) {
            throw ApiException.conflict("invalid-transition", "experiment " + id + " is " + e.status
                    + "; only a DRAFT or PAUSED experiment can be started");
        }
        Optional<Experiment> other = Experiment.findActiveByTaskName(e.taskName);
        if (other.isPresent() && !other.get().id.equals(e.id)) {
            throw ApiException.conflict("experiment-active", "task '" + e.taskName + "' already routes traffic through "
                    + "experiment " + other.get().id + " (" + other.get().status + "); stop it first");
        }
        boolean bypass = requireLiveTraffic(e, actor, reason, "started");
        String before = describe(e);
        boolean resume = e.status == ExperimentStatus.PAUSED;
        e.status = ExperimentStatus.RUNNING;
        if (e.startedAt == null) {
            e.startedAt = clock.instant();
        }
        e.statusReason = reason;
        e.liveTrafficBypass = bypass;
        return changed(actor.name(), resume ? AuditAction.EXPERIMENT_RESUME : AuditAction.EXPERIMENT_START, e, before, reason, bypass);
    }

    /** RUNNING -> PAUSED: the experiment then routes nothing; production serves every request of the task. */
    public Experiment pause(long id, String actor, String reason) {
        return pause(changing(id), actor, AuditAction.EXPERIMENT_PAUSE, requireReason(reason));
    }

    /** The guardrail evaluator's pause (actor {@code system}). */
    public Experiment pauseForGuardrail(long id, String reason) {
        return pause(changing(id), SYSTEM, AuditAction.GUARDRAIL_PAUSE, reason);
    }

    public Experiment stop(long id, String actor, String given) {
        String reason = requireReason(given);
        Experiment e = changing(id);
        if (!e.status.canStop()) {
            throw ApiException.conflict("invalid-transition", "experiment " + id + " is already STOPPED");
        }
        String before = describe(e);
        e.status = ExperimentStatus.STOPPED;
        e.stoppedAt = clock.instant();
        e.statusReason = reason;
        e.liveTrafficBypass = false;
        return changed(actor, AuditAction.EXPERIMENT_STOP, e, before, reason, false);
    }

    /**
     * Ramp steps are sticky by the assignment's design: a unit included at a smaller ramp stays in, in its arm. Raising
     * the ramp of a RUNNING experiment widens live traffic, so it asks the registry about every arm as a start does.
     */
    public Experiment changeRamp(long id, double given, Actor actor, String givenReason) {
        String reason = requireReason(givenReason);
        double ramp = requireRamp(given);
        Experiment e = changing(id);
        if (!e.status.canRamp()) {
            throw ApiException.conflict("invalid-transition", "experiment " + id + " is STOPPED");
        }
        if (e.ramp == ramp) {
            return e; // nothing changes: no audit entry, no new serving stamp
        }
        String before = describe(e);
        boolean bypass = false;
        if (e.status == ExperimentStatus.RUNNING && ramp > e.ramp) {
            bypass = requireLiveTraffic(e, actor, reason, "ramped up");
            e.liveTrafficBypass = e.liveTrafficBypass || bypass;
        }
        e.ramp = ramp;
        allocation(e);
        return changed(actor.name(), AuditAction.EXPERIMENT_RAMP, e, before, reason, bypass);
    }

    /**
     * A version the registry withdrew (rejected, retired, rolled back) pauses the RUNNING experiment that serves it
     * (production for everyone), audited as {@code system} with the action {@code WITHDRAWN_PAUSE}, in the registry's
     * transaction; an admin bypass of that experiment ends with it.
     */
    void onVersionWithdrawn(@Observes VersionWithdrawn withdrawn) {
        registry.servingChanged(withdrawn.task());
        Experiment e = Experiment.findActiveByTaskName(withdrawn.task()).orElse(null);
        if (e == null || e.status != ExperimentStatus.RUNNING) {
            return;
        }
        String arm = e.arms.stream().filter(a -> a.versionId == withdrawn.versionId()).map(a -> "'" + a.name + "'")
                .collect(Collectors.joining(", "));
        if (!arm.isEmpty()) {
            pause(e, SYSTEM, AuditAction.WITHDRAWN_PAUSE, "version " + withdrawn.number() + " (arm " + arm + ") became "
                    + withdrawn.status() + " by " + withdrawn.actor() + "; paused until someone resumes it");
        }
    }

    private Experiment pause(Experiment e, String actor, AuditAction action, String reason) {
        if (!e.status.canPause()) {
            throw ApiException.conflict("invalid-transition", "experiment " + e.id + " is " + e.status
                    + "; only a RUNNING experiment can be paused");
        }
        String before = describe(e);
        e.status = ExperimentStatus.PAUSED;
        e.statusReason = reason;
        e.liveTrafficBypass = false;
        return changed(actor, action, e, before, reason, false);
    }

    /**
     * Asks the registry about every arm's version. All allowed: false. Otherwise 409 {@code unreviewed-arm} naming
     * each refused arm, its version, status and the rule; an admin with a reason goes ahead: true (an admin bypass).
     */
    private boolean requireLiveTraffic(Experiment e, Actor actor, String reason, String verb) {
        List<String> refused = liveTraffic(e).stream().filter(t -> !t.decision().allowed())
                .map(t -> "arm '" + t.arm() + "' serves version " + t.decision().number() + ", which is "
                        + t.decision().status())
                .toList();
        if (refused.isEmpty()) {
            return false;
        }
        String refusal = "experiment " + e.id + " cannot be " + verb + " for live traffic: " + String.join("; ", refused)
                + "; " + PromptRegistry.LIVE_TRAFFIC_RULE + ". A pilot (replayed held-out rows) may run without review";
        return actor.requireBypass("unreviewed-arm", refusal, reason);
    }

    private Experiment changed(String actor, AuditAction action, Experiment e, String before, String reason,
                               boolean bypass) {
        Experiment.flush(); // the loser of a concurrent change gets its 409 here
        record(Change.of(actor, action, e.taskName).from(before).to(describe(e)).because(reason).bypass(bypass));
        return e;
    }

    /** Audit entry in the caller's transaction (the ledger requires one). */
    public void record(Change change) {
        ledger.record(change);
    }

    /**
     * A reason is optional; given, it is stored (status_reason, the audit entry): at most 4000 characters, no control
     * character but line breaks and tabs. Returns the reason to store: none (null) for an empty or blank one, which
     * says nothing (a form's empty field), rather than an audit entry whose reason is a few spaces.
     */
    public static String requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            return null;
        }
        return Names.requireProse(reason, 4000, "reason");
    }

    /** The smallest significance level an experiment may ask for. */
    public static final double MIN_ALPHA = 1e-4;
    /**
     * The most arms an experiment may have, and success metrics or guardrails each: every results read, guardrail
     * sweep and page sums every metric of every arm (20,000 metrics took a minute and ended in a server error).
     */
    public static final int MAX_ARMS = 10;
    public static final int MAX_METRICS_PER_ROLE = 20;

    private static void requireAtMost(int size, int max, String field) {
        if (size > max) {
            throw ApiException.badRequest("invalid-input", field + " may hold at most " + max + " entries, got "
                    + size, field);
        }
    }

    /** The most units per arm an experiment may plan for. */
    public static final long MAX_PLANNED_PER_ARM = 1_000_000_000L;
    /** A relative guardrail margin of at most 10 (1,000 %): beyond, the guardrail guards nothing. */
    public static final double MAX_RELATIVE_MARGIN = 10;

    /** Ramp steps: multiples of 1/{@value #RAMP_STEPS}, from 0 to 1. */
    public static final int RAMP_STEPS = 10_000;

    /**
     * A ramp is a share of units in [0, 1] in steps of 1/{@value #RAMP_STEPS} (0.01 %): finer shares mean nothing
     * for real traffic, and a ramp of 1e-320 would be stored as a live experiment that takes in no one.
     */
    public static double requireRamp(double ramp) {
        // the shortest decimal that reads back as this double, so 0.1234 has 4 places and 1e-320 has 320
        if (!(ramp >= 0 && ramp <= 1) || java.math.BigDecimal.valueOf(ramp).stripTrailingZeros().scale() > 4) {
            throw ApiException.badRequest("invalid-input", "ramp must be in [0, 1] in steps of 0.0001, got " + ramp,
                    "ramp");
        }
        return ramp + 0.0; // -0.0 is 0: stored and audited as "-0.0" it read as a negative ramp
    }

    private static Experiment require(long id) {
        return Experiment.<Experiment>findByIdOptional(id)
                .orElseThrow(() -> ApiException.notFound("no experiment " + id, "id"));
    }

    /**
     * The experiment a status or ramp change is about, read again once its task's serving stamp is bumped and held in
     * this transaction, before the change reads anything it depends on (the experiment itself, another active
     * experiment, the arms' live-traffic answers): of two concurrent changes of one task's serving (two starts, a pause
     * and a release) the second waits for the first and then fails with 409, and every replica re-reads the task's
     * routing on its next request.
     */
    private Experiment changing(long id) {
        Experiment e = require(id);
        registry.servingChanged(e.taskName);
        Experiment.getEntityManager().refresh(e); // a change committed before the stamp was taken is seen
        return e;
    }

    private static Allocation allocation(Experiment e) {
        try {
            return e.allocation();
        } catch (IllegalArgumentException ex) {
            String message = ex.getMessage();
            String field = message.contains(":") ? message.substring(0, message.indexOf(':')) : "arms";
            // the weights' sum, or a rule over the arms together: "arms" (each arm's own fields are checked above)
            field = "ramp".equals(field) || "salt".equals(field) ? field : "arms";
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

package io.mptrec.ab.pilot.service;

import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.service.ExperimentService;
import io.mptrec.ab.kpi.KpiRequests.KpiEventRequest;
import io.mptrec.ab.events.EventLog;
import io.mptrec.ab.pilot.PilotRequests.PilotProgress;
import io.mptrec.ab.pilot.PilotRequests.PilotRequest;
import io.mptrec.ab.serving.ScoreRequests.ScoreRequest;
import io.mptrec.ab.serving.ScoreRequests.ScoreResponse;
import io.mptrec.ab.serving.service.RoutingCache.ExperimentRoute;
import io.mptrec.ab.serving.service.RoutingCache;
import io.mptrec.ab.serving.service.ServingService;
import io.mptrec.kernel.audit.AuditAction;
import io.mptrec.kernel.audit.Change;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.Split;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Pilot mode: replays held-out labelled rows (the TEST split of the configured dataset, {@code mptrec.ab.pilot.schema})
 * as traffic against a DRAFT or RUNNING experiment. Not live traffic: each row is one request through the serving path
 * of {@code POST /api/v1/score} (unit id = the row index) routed explicitly by the experiment's allocation (its arm, or
 * production outside the ramp), so an experiment whose versions are not reviewed yet can be piloted before anyone may
 * start it. Then two KPI events are stored for it:
 * {@code conversion} = the row's true label (0 or 1) and {@code log_loss} = the served score's log-loss on that
 * label (a model-quality KPI that differs between arms; the label itself cannot, since it does not depend on the
 * version served). Each pilot runs on a thread of its own, at most {@value #MAX_RUNNING} at once, so a slow one
 * holds up no other; a pilot ends early when it is cancelled or when its experiment can no longer be piloted (checked
 * at least once a second, from the database, so a stop on another instance ends it too). Progress is kept in memory
 * (lost on restart, the exposures and events are not).
 */
@ApplicationScoped
public class PilotService {

    private static final Logger LOG = Logger.getLogger(PilotService.class);
    private static final int EVENT_BATCH = 500;
    public static final int MAX_ROWS = 100_000;
    /** Pilots running at once; one more is refused (409) rather than queued behind them. */
    public static final int MAX_RUNNING = 4;
    /** The longest a paced pilot may take, in seconds: a day (rows / ratePerSecond). */
    public static final long MAX_SECONDS = 86_400;
    /** How often a running pilot reads whether its experiment may still be piloted. */
    private static final long CHECK_NANOS = 1_000_000_000L;

    private final AbConfig config;
    private final Clock clock;
    private final ServingService serving;
    private final EventLog events;
    private final ExperimentService experiments;
    private final RoutingCache routings;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mptrec-pilot");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, Run> runs = new ConcurrentHashMap<>();
    private volatile Dataset dataset;

    public PilotService(AbConfig config, Clock clock, ServingService serving, EventLog events,
                        ExperimentService experiments, RoutingCache routings) {
        this.config = config;
        this.clock = clock;
        this.serving = serving;
        this.events = events;
        this.experiments = experiments;
        this.routings = routings;
    }

    private static final class Run {
        final long experimentId;
        final int requested;
        final double rate;
        final long seed;
        final String label;
        final Instant startedAt;
        final AtomicLong scored = new AtomicLong();
        final AtomicLong events = new AtomicLong();
        volatile String state = "RUNNING";
        volatile String cancelledBecause;
        volatile Instant finishedAt;
        volatile String error;

        Run(long experimentId, int requested, double rate, long seed, String label, Instant startedAt) {
            this.experimentId = experimentId;
            this.requested = requested;
            this.rate = rate;
            this.seed = seed;
            this.label = label;
            this.startedAt = startedAt;
        }

        PilotProgress progress() {
            return new PilotProgress(experimentId, state, requested, scored.get(), events.get(), rate, seed, label,
                    startedAt, finishedAt, error);
        }
    }

    public PilotProgress start(long experimentId, PilotRequest request, String actor) {
        if (request.rows() < 1 || request.rows() > MAX_ROWS) {
            throw ApiException.badRequest("invalid-input", "rows must be in [1, " + MAX_ROWS + "]", "rows");
        }
        double rate = request.ratePerSecond() == null ? 0 : request.ratePerSecond();
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw ApiException.badRequest("invalid-input", "ratePerSecond must be >= 0 (0: unpaced)", "ratePerSecond");
        }
        if (rate > 0 && request.rows() / rate > MAX_SECONDS) {
            throw ApiException.badRequest("invalid-input", "ratePerSecond must be 0 (unpaced) or at least rows / "
                    + MAX_SECONDS + ": a pilot may take a day at most", "ratePerSecond");
        }
        if (request.label() != null) {
            Names.requireText(request.label(), 100, "label"); // no control character to echo in the refusal below
        }
        long seed = request.seed() == null ? 1 : request.seed();
        record PilotTarget(String task, String label, ExperimentRoute route) {
        }
        PilotTarget target = QuarkusTransaction.requiringNew().call(() -> {
            Experiment e = experiments.findExperimentById(experimentId)
                    .orElseThrow(() -> ApiException.notFound("no experiment " + experimentId, "id"));
            if (!e.status.canPilot()) {
                throw ApiException.conflict("invalid-transition", "experiment " + experimentId + " is " + e.status
                        + "; a pilot replays traffic against a DRAFT or RUNNING experiment");
            }
            return new PilotTarget(e.taskName, request.label() == null ? e.taskName : request.label(), routings.route(e));
        });
        Dataset data = dataset();
        if (!data.tasks().contains(target.label())) {
            throw ApiException.badRequest("invalid-input", "the pilot dataset has no label '" + target.label()
                    + "'; it has " + data.tasks(), "label");
        }
        Run run = new Run(experimentId, request.rows(), rate, seed, target.label(), clock.instant());
        synchronized (runs) {
            Run previous = runs.get(experimentId);
            if (previous != null && "RUNNING".equals(previous.state)) {
                throw ApiException.conflict("pilot-running", "a pilot of experiment " + experimentId + " is running");
            }
            if (runs.values().stream().filter(r -> "RUNNING".equals(r.state)).count() >= MAX_RUNNING) {
                throw ApiException.conflict("pilots-busy", MAX_RUNNING + " pilots are running; wait for one to end "
                        + "or cancel one (DELETE .../pilot)");
            }
            runs.put(experimentId, run);
        }
        QuarkusTransaction.requiringNew().run(() -> experiments.record(Change.of(actor, AuditAction.PILOT_START,
                        experiments.findExperimentById(experimentId).orElseThrow().taskName)
                .to("pilot " + request.rows() + " rows at " + (rate == 0 ? "max" : rate + "/s") + " seed " + seed)));
        workers.submit(() -> replay(run, target.task(), target.route(), data));
        return run.progress();
    }

    /**
     * Asks the experiment's running pilot to end (it stops within a second, keeping what it stored): its state becomes
     * CANCELLED. 404 when no pilot of the experiment has run since the server started, 409 when it has ended.
     */
    public PilotProgress cancel(long experimentId, String actor) {
        Run run = runs.get(experimentId);
        if (run == null) {
            throw ApiException.notFound("no pilot run of experiment " + experimentId, "id");
        }
        // one check and set: of cancels sent at once, one cancels (and is audited), the others are refused
        synchronized (run) {
            if (!"RUNNING".equals(run.state)) {
                throw ApiException.conflict("pilot-ended", "the pilot of experiment " + experimentId + " is "
                        + run.state);
            }
            if (run.cancelledBecause != null) {
                throw ApiException.conflict("pilot-ended", "the pilot of experiment " + experimentId
                        + " is ending: " + run.cancelledBecause);
            }
            run.cancelledBecause = "cancelled by " + actor;
        }
        QuarkusTransaction.requiringNew().run(() -> experiments.record(Change.of(actor, AuditAction.PILOT_CANCEL,
                experiments.findExperimentById(experimentId).orElseThrow().taskName)
                .to("pilot cancelled after " + run.scored.get() + " of " + run.requested + " rows")));
        return run.progress();
    }

    public Optional<PilotProgress> findProgress(long experimentId) {
        return Optional.ofNullable(runs.get(experimentId)).map(Run::progress);
    }

    private void replay(Run run, String task, ExperimentRoute route, Dataset data) {
        try {
            int[] rows = data.rows(Split.TEST);
            Random random = new Random(run.seed);
            for (int i = rows.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = rows[i];
                rows[i] = rows[j];
                rows[j] = t;
            }
            int n = Math.min(run.requested, rows.length);
            List<KpiEventRequest> pending = new ArrayList<>();
            long start = System.nanoTime();
            long checked = start;
            for (int i = 0; i < n; i++) {
                long due = run.rate > 0 ? start + (long) (i * 1e9 / run.rate) : 0;
                // wait for the row's due time in slices, reading at least once a second whether to go on
                for (long now = System.nanoTime(); ; now = System.nanoTime()) {
                    if (now - checked >= CHECK_NANOS) {
                        checked = now;
                        stopIfUnpilotable(run);
                    }
                    if (run.cancelledBecause != null || due - now <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(Math.min(due - now, CHECK_NANOS));
                }
                if (run.cancelledBecause != null) {
                    break;
                }
                int row = rows[i];
                ScoreResponse response = serving.scorePilot(route, new ScoreRequest(task, Integer.toString(row),
                        List.of(data.rawRow(row)), null));
                run.scored.incrementAndGet();
                double y = data.label(run.label, row);
                double p = Math.min(1 - 1e-15, Math.max(1e-15, response.scores()[0]));
                double logLoss = -(y * Math.log(p) + (1 - y) * Math.log1p(-p));
                pending.add(new KpiEventRequest(response.requestId() + ":conversion", response.requestId(),
                        "conversion", y));
                pending.add(new KpiEventRequest(response.requestId() + ":log_loss", response.requestId(),
                        "log_loss", logLoss));
                if (pending.size() >= EVENT_BATCH) {
                    run.events.addAndGet(events.kpiEvents(pending).stored());
                    pending.clear();
                }
            }
            if (!pending.isEmpty()) {
                run.events.addAndGet(events.kpiEvents(pending).stored());
            }
            events.awaitReadable(); // DONE means the results can read the pilot's traffic (it is written behind)
            if (run.cancelledBecause != null) {
                run.error = run.cancelledBecause;
                run.state = "CANCELLED";
            } else {
                run.state = "DONE";
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "pilot of experiment %d failed", run.experimentId);
            run.error = e.getMessage();
            run.state = "FAILED";
        } finally {
            run.finishedAt = clock.instant();
        }
    }

    /** Ends the run (CANCELLED) when its experiment was stopped, paused or deleted since it started. */
    private void stopIfUnpilotable(Run run) {
        // not Optional.map: a pilotable status maps to null, which map would turn into "gone"
        String status = QuarkusTransaction.requiringNew().call(() -> {
            Optional<Experiment> experiment = experiments.findExperimentById(run.experimentId);
            if (experiment.isEmpty()) {
                return "gone";
            }
            return experiment.get().status.canPilot() ? null : experiment.get().status.toString();
        });
        if (status != null) {
            run.cancelledBecause = "experiment " + run.experimentId + " is " + status;
        }
    }

    private Dataset dataset() {
        Dataset d = dataset;
        if (d == null) {
            synchronized (this) {
                if (dataset == null) {
                    Path schema = Path.of(config.pilot().schema());
                    if (!Files.isRegularFile(schema)) {
                        throw ApiException.conflict("no-pilot-data", "the pilot dataset schema "
                                + config.pilot().schema() + " is not there (mptrec.ab.pilot.schema)");
                    }
                    dataset = Dataset.load(DatasetSchema.load(schema), schema, null);
                }
                d = dataset;
            }
        }
        return d;
    }

    @PreDestroy
    void shutdown() {
        workers.shutdownNow();
    }
}

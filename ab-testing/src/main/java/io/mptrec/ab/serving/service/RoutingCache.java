package io.mptrec.ab.serving.service;

import io.mptrec.ab.assignment.Allocation;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentArm;
import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.serving.ScoreRequests.ExperimentRef;
import io.mptrec.registry.api.PromptRegistry;
import io.mptrec.registry.api.ServingStamp;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What serves a task (its production version, its RUNNING or PAUSED experiment with arms and allocation), kept in
 * memory and checked on every request against the registry's serving stamp ({@link PromptRegistry#servingStamp}).
 *
 * <p>Why that stamp: every change that moves a task's traffic bumps it in the change's own transaction (pointer
 * moves in the registry's {@code LifecycleService}, every experiment status or ramp change in
 * {@code ExperimentService} through {@link PromptRegistry#servingChanged}), and the registry orders the bumps of one
 * task, so a reader that sees the old value has not missed a committed change. Per request that is one indexed read
 * without a transaction, instead of a transaction with two ORM queries. A change committed before a request begins is
 * therefore still honoured by that request, on every replica, without a restart.
 *
 * <p>Live traffic only to reviewed versions, checked again here (defence in depth): a RUNNING experiment routes by its
 * allocation only if the registry allows every arm's version live traffic or an admin bypass is on record
 * ({@code live}); a RUNNING one refused falls back to its control only if the registry allows the control's version
 * ({@code controlLive}), else to production (see {@code ServingService}, which serves production while it is PAUSED).
 *
 * <p>A change that commits between the stamp read and a reload is cached under the older stamp: the next request
 * sees the newer stamp and reloads. Memory: one entry per task ever served.
 */
@ApplicationScoped
public class RoutingCache {

    /** One version that can answer: a production version ({@code arm} null) or an experiment arm. */
    public record Target(String arm, long versionId, int number, String contentSha256, String encoderSha256) {
    }

    /**
     * The task's RUNNING or PAUSED experiment; arms in order, control first.
     *
     * @param live        RUNNING, and every arm's version may take live traffic or an admin bypassed that (audited)
     * @param controlLive the control arm's version may take live traffic (or an admin bypass covers a RUNNING one)
     */
    public record ExperimentRoute(ExperimentRef ref, Allocation allocation, List<Target> arms, boolean live,
                                  boolean controlLive) {
    }

    /**
     * @param production null when no version is production
     * @param experiment null when no experiment is RUNNING or PAUSED
     */
    public record TaskRouting(long taskId, long stamp, Target production, ExperimentRoute experiment) {
    }

    private final PromptRegistry registry;
    private final Map<String, TaskRouting> byTask = new ConcurrentHashMap<>();
    private final AtomicLong loads = new AtomicLong();

    public RoutingCache(PromptRegistry registry) {
        this.registry = registry;
    }

    /** The task's routing as of the start of this call; 404 problem for an unknown task. */
    public TaskRouting routingFor(String task) {
        ServingStamp stamp = registry.servingStamp(task);
        TaskRouting cached = byTask.get(task);
        if (cached != null && cached.taskId() == stamp.taskId() && cached.stamp() == stamp.stamp()) {
            return cached;
        }
        TaskRouting fresh = QuarkusTransaction.requiringNew().call(() -> load(task, stamp));
        loads.incrementAndGet();
        // Of two concurrent reloads the newer stamp stays, so an older one cannot push a newer one out.
        byTask.merge(task, fresh, (old, now) -> old.taskId() == now.taskId() && old.stamp() > now.stamp() ? old : now);
        return fresh;
    }

    /** Reloads so far (for tests and the benchmark: a warm cache does not reload). */
    public long loads() {
        return loads.get();
    }

    /** The experiment's route (needs a transaction): its arms and whether the registry lets them take live traffic. */
    public ExperimentRoute route(Experiment e) {
        boolean bypass = e.status == ExperimentStatus.RUNNING && e.liveTrafficBypass;
        List<Boolean> allowed = e.arms.stream().map(a -> registry.liveTraffic(a.versionId).allowed()).toList();
        return new ExperimentRoute(new ExperimentRef(e.id, e.name, e.status), e.allocation(),
                e.arms.stream().map(RoutingCache::target).toList(),
                e.status == ExperimentStatus.RUNNING && (bypass || !allowed.contains(false)), bypass || allowed.get(0));
    }

    private TaskRouting load(String task, ServingStamp stamp) {
        ExperimentRoute route = Experiment.findActiveByTaskName(task).map(this::route).orElse(null);
        Target production = registry.production(stamp.taskId()).map(v -> new Target(null, v.versionId(), v.number(),
                v.contentSha256(), v.encoderSha256())).orElse(null);
        return new TaskRouting(stamp.taskId(), stamp.stamp(), production, route);
    }

    private static Target target(ExperimentArm arm) {
        return new Target(arm.name, arm.versionId, arm.versionNumber, arm.contentSha256,
                arm.encoderSha256);
    }
}

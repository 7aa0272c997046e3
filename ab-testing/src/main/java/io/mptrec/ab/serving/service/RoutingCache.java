package io.mptrec.ab.serving.service;

import io.mptrec.ab.assignment.Allocation;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentArm;
import io.mptrec.ab.serving.ScoreRequests.ExperimentRef;
import io.mptrec.registry.problem.ApiException;
import io.mptrec.registry.task.Label;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What serves a task (its production version, its RUNNING or PAUSED experiment with arms and allocation), kept in
 * memory and checked on every request against a stamp: the task row's {@code row_version}.
 *
 * <p>Why that column: every change that moves a task's traffic bumps it in the change's own transaction (pointer
 * moves in the registry's {@code LifecycleService}, every experiment status or ramp change in
 * {@code ExperimentService}), and an UPDATE of one row is ordered by the row lock, so a reader that sees the old
 * value has not missed a committed change. Per request that is one indexed read by the unique task name on an
 * autocommit connection, instead of a transaction with two ORM queries. A change committed before a request
 * begins is therefore still honoured by that request, on every replica, without a restart.
 *
 * <p>A change that commits between the stamp read and a reload is cached under the older stamp: the next request
 * sees the newer stamp and reloads. Memory: one entry per task ever served.
 */
@ApplicationScoped
public class RoutingCache {

    private static final String STAMP = "SELECT id, row_version FROM task WHERE name = ?";

    /** One version that can answer: a production version ({@code arm} null) or an experiment arm. */
    public record Target(String arm, long versionId, int number, String contentSha256, String encoderSha256) {
    }

    /** The task's RUNNING or PAUSED experiment; arms in order, control first. */
    public record ExperimentRoute(ExperimentRef ref, Allocation allocation, List<Target> arms) {
    }

    /**
     * @param production null when no version is production
     * @param experiment null when no experiment is RUNNING or PAUSED
     */
    public record TaskRouting(long taskId, long stamp, Target production, ExperimentRoute experiment) {
    }

    private final DataSource dataSource;
    private final Map<String, TaskRouting> byTask = new ConcurrentHashMap<>();
    private final AtomicLong loads = new AtomicLong();

    public RoutingCache(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The task's routing as of the start of this call; 404 problem for an unknown task. */
    public TaskRouting routingFor(String task) {
        long[] stamp = stamp(task);
        TaskRouting cached = byTask.get(task);
        if (cached != null && cached.taskId() == stamp[0] && cached.stamp() == stamp[1]) {
            return cached;
        }
        TaskRouting fresh = QuarkusTransaction.requiringNew().call(() -> load(task, stamp[0], stamp[1]));
        loads.incrementAndGet();
        // Of two concurrent reloads the newer stamp stays, so an older one cannot push a newer one out.
        byTask.merge(task, fresh, (old, now) -> old.taskId() == now.taskId() && old.stamp() > now.stamp() ? old : now);
        return fresh;
    }

    /** Reloads so far (for tests and the benchmark: a warm cache does not reload). */
    public long loads() {
        return loads.get();
    }

    private long[] stamp(String task) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(STAMP)) {
            s.setString(1, task);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw ApiException.notFound("no task named '" + task + "'", "task");
                }
                return new long[] {r.getLong(1), r.getLong(2)};
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the serving stamp of task '" + task + "'", e);
        }
    }

    private static TaskRouting load(String task, long taskId, long stamp) {
        Experiment active = Experiment.findActiveByTaskName(task).orElse(null);
        ExperimentRoute route = null;
        if (active != null) {
            route = new ExperimentRoute(new ExperimentRef(active.id, active.name, active.status), active.allocation(),
                    active.arms.stream().map(RoutingCache::target).toList());
        }
        List<Object[]> rows = Label.getEntityManager().createQuery(
                        "select v.id, v.number, v.contentSha256, v.encoderSha256 from Label l join l.version v "
                                + "where l.task.id = ?1 and l.name = ?2", Object[].class)
                .setParameter(1, taskId).setParameter(2, Label.PRODUCTION).getResultList();
        Target production = rows.isEmpty() ? null : new Target(null, (Long) rows.get(0)[0], (Integer) rows.get(0)[1],
                (String) rows.get(0)[2], (String) rows.get(0)[3]);
        return new TaskRouting(taskId, stamp, production, route);
    }

    private static Target target(ExperimentArm arm) {
        return new Target(arm.name, arm.version.id, arm.version.number, arm.version.contentSha256,
                arm.version.encoderSha256);
    }
}

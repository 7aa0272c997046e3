package io.mptrec.ab.serving.service;

import io.mptrec.ab.serving.Exposure;
import io.mptrec.registry.problem.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The exposure log, written behind the response: {@link #write} queues the exposure and returns; one writer thread
 * takes whatever has queued up (up to {@link #MAX_BATCH}) into one batched INSERT and one commit, back to back. At a
 * light load it lingers {@link #LINGER_MILLIS} ms after the first exposure so that a commit carries a few of them.
 *
 * <p>Durability, stated plainly: an exposure is <b>not</b> durable when the score response is sent. It becomes durable
 * within the linger and one commit of the writer (milliseconds; the queue holds what arrived meanwhile).
 * A graceful shutdown stores everything queued; a kill -9, an OOM kill or a power cut loses the exposures still queued
 * or in the uncommitted batch (at most a few milliseconds of traffic; at most {@link #CAPACITY}). Why that is
 * acceptable for exposures and not for KPI events: a lost exposure only removes that request from the analysis (its
 * KPI events then join no exposure), the loss hits every arm alike because it depends on the time of the crash, not
 * on the arm, and waiting for the commit cost every response a commit (the largest part of the serving latency
 * under load). KPI events, the outcomes the decision counts, are still acknowledged only after their commit.
 *
 * <p>Nothing is dropped while the process lives: a full queue blocks the request (back-pressure, then 503 after
 * {@link #OFFER_SECONDS} s), and a batch that fails to commit (database down) is retried, in order, until it commits.
 */
@ApplicationScoped
public class ExposureWriter {

    private static final Logger LOG = Logger.getLogger(ExposureWriter.class);
    static final int MAX_BATCH = 1_000;
    static final int CAPACITY = 20_000;
    static final int OFFER_SECONDS = 10;
    /** How long the writer waits for more exposures after the first of a batch (a barrier does not wait). */
    static final long LINGER_MILLIS = 10;
    private static final long RETRY_MILLIS = 1_000;
    private static final String INSERT = "INSERT INTO exposure (request_id, task_id, experiment_id, arm, unit_id, "
            + "prompt_version_id, scored_at, candidates, score_first, score_mean, score_max) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** An exposure to store, or (exposure null) a barrier completed once everything queued before it committed. */
    private record Pending(Exposure exposure, CompletableFuture<Void> stored) {
    }

    private final DataSource dataSource;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(CAPACITY);
    private volatile Thread writer;
    private volatile boolean stopping;

    public ExposureWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Queues the exposure; returns at once unless the queue is full (see the class comment on durability). */
    public void write(Exposure exposure) {
        enqueue(new Pending(exposure, null));
    }

    /**
     * Returns once every exposure queued before this call has committed (the pilot's end, tests, a caller that must
     * read its exposures back).
     */
    public void awaitStored() {
        Pending barrier = new Pending(null, new CompletableFuture<>());
        enqueue(barrier);
        try {
            barrier.stored().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the exposure log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the exposure log did not catch up within 60 s", e);
        }
    }

    /** Exposures queued and not yet committed. */
    public int backlog() {
        return queue.size();
    }

    private void enqueue(Pending p) {
        ensureStarted();
        try {
            if (!queue.offer(p, OFFER_SECONDS, TimeUnit.SECONDS)) {
                throw ApiException.unavailable("exposure-log-full", "the exposure log is " + CAPACITY
                        + " exposures behind the database for " + OFFER_SECONDS + " s; try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing the exposure", e);
        }
    }

    private void ensureStarted() {
        if (writer == null) {
            synchronized (this) {
                if (writer == null) {
                    Thread t = new Thread(this::run, "mptrec-exposure-writer");
                    t.setDaemon(true);
                    t.start();
                    writer = t;
                }
            }
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                if (batch.isEmpty()) {
                    // Polled, never interrupted: an interrupt inside a JDBC call can close H2's file channel.
                    Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (stopping) {
                            return; // drained
                        }
                        continue;
                    }
                    batch.add(first);
                    if (first.stored() == null && queue.size() < MAX_BATCH - 1) {
                        // Linger: at moderate rates a commit then carries a few exposures instead of one.
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS));
                    }
                    queue.drainTo(batch, MAX_BATCH - 1);
                }
                List<Exposure> rows = batch.stream().map(Pending::exposure).filter(e -> e != null).toList();
                if (!rows.isEmpty()) {
                    QuarkusTransaction.requiringNew().run(() -> insert(rows));
                }
                batch.stream().filter(p -> p.stored() != null).forEach(p -> p.stored().complete(null));
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.errorf("exposure writer interrupted: %d exposures not stored", batch.size() + queue.size());
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    LOG.errorf(e, "shutting down: %d exposures could not be stored", batch.size() + queue.size());
                    return;
                }
                // Kept, in order, and retried: the database may be restarting. The queue's bound is the back-pressure.
                LOG.errorf(e, "could not store %d exposures; retrying in %d ms", batch.size(), RETRY_MILLIS);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS));
            }
        }
    }

    private void insert(List<Exposure> batch) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(INSERT)) {
            for (Exposure e : batch) {
                s.setString(1, e.requestId);
                s.setLong(2, e.taskId);
                s.setObject(3, e.experimentId, Types.BIGINT);
                s.setString(4, e.arm);
                s.setString(5, e.unitId);
                s.setLong(6, e.promptVersionId);
                s.setObject(7, e.scoredAt.atOffset(ZoneOffset.UTC));
                s.setInt(8, e.candidates);
                s.setDouble(9, e.scoreFirst);
                s.setDouble(10, e.scoreMean);
                s.setDouble(11, e.scoreMax);
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the exposures: " + e.getMessage(), e);
        }
    }

    /** Graceful shutdown stores what is queued, before the datasource closes (waits at most 20 s). */
    void shutdown(@Observes ShutdownEvent event) {
        stopping = true;
        Thread t = writer;
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.mptrec.ab.serving.service;

import io.mptrec.ab.serving.Exposure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
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

/**
 * Group commit of exposures: each scoring request hands its exposure to one writer thread and waits until the
 * transaction holding it has committed, so a response is never sent for an exposure that is not stored. The writer
 * takes whatever has queued up meanwhile (up to {@link #MAX_BATCH}) into one batched INSERT and one commit, so the
 * commit cost (a file write on H2 with WRITE_DELAY=0, a WAL flush on PostgreSQL) is shared by concurrent requests.
 */
@ApplicationScoped
public class ExposureWriter {

    private static final Logger LOG = Logger.getLogger(ExposureWriter.class);
    static final int MAX_BATCH = 1_000;
    private static final String INSERT = "INSERT INTO exposure (request_id, task_id, experiment_id, arm, unit_id, "
            + "prompt_version_id, scored_at, candidates, score_first, score_mean, score_max) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private record Pending(Exposure exposure, CompletableFuture<Void> stored) {
    }

    private final DataSource dataSource;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(20_000);
    private volatile Thread writer;

    public ExposureWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores the exposure; returns once it is committed. */
    public void write(Exposure exposure) {
        ensureStarted();
        Pending p = new Pending(exposure, new CompletableFuture<>());
        try {
            if (!queue.offer(p, 10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("exposure log overloaded: queue full for 10 s");
            }
            p.stored().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing the exposure", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the exposure was not stored within 60 s", e);
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
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(queue.take());
                queue.drainTo(batch, MAX_BATCH - 1);
                QuarkusTransaction.requiringNew().run(() -> insert(batch));
                batch.forEach(p -> p.stored().complete(null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.errorf(e, "could not store %d exposures", batch.size());
                batch.forEach(p -> p.stored().completeExceptionally(e));
            }
            batch.clear();
        }
    }

    private void insert(List<Pending> batch) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(INSERT)) {
            for (Pending p : batch) {
                Exposure e = p.exposure();
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

    @PreDestroy
    void shutdown() {
        Thread t = writer;
        if (t != null) {
            t.interrupt();
        }
    }
}

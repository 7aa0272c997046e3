package io.mptrec.ab.serving.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mptrec.ab.serving.Exposure;
import io.mptrec.ab.store.SqlErrors;
import io.mptrec.kernel.problem.ApiException;
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
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
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
 * load below a full batch it lingers {@link #LINGER_MILLIS} ms after the first exposure so that a commit carries many.
 *
 * <p>Durability, stated plainly: an exposure is <b>not</b> durable when the score response is sent. It becomes durable
 * within the linger and one commit of the writer (tens of milliseconds; the queue holds what arrived meanwhile).
 * A graceful shutdown stores everything queued; a kill -9, an OOM kill or a power cut loses the exposures still queued
 * or in the uncommitted batch (the last linger and commit of traffic, under 0.1 s; at most {@link #CAPACITY}). Why
 * that is acceptable for exposures and not for KPI events: a lost exposure only removes that request from the
 * analysis (its KPI events then join no exposure), the loss hits every arm alike because it depends on the time of the
 * crash, not on the arm, and waiting for the commit cost every response a commit (the largest part of the serving
 * latency under load). KPI events, the outcomes the decision counts, are still acknowledged only after their commit.
 *
 * <p>Nothing is dropped while the process lives: a full queue blocks the request (back-pressure, then 503 after
 * {@link #OFFER_SECONDS} s), and a batch that fails to commit (database down) is retried, in order, until it commits.
 *
 * <p>A row that can never be stored does not block the queue: when a batch fails with an error that is about its data
 * (SQLSTATE class 22, data exception, or 23, integrity constraint; e.g. a NUL character PostgreSQL cannot store), the
 * writer stores that batch row by row, in order; a row refused on its own with such an error goes to the
 * {@code exposure_dead_letter} table (the whole row as escaped JSON, with the error), is counted in
 * {@code mptrec.exposures.dead.letters} (tag {@code kept=table}) and logged as an error. If even the dead letter is
 * refused, the row is logged whole and counted with {@code kept=log}. Any other error (connection lost, database
 * down, anything without such a state) is transient: the rest is retried in order, as before, without loss.
 */
@ApplicationScoped
public class ExposureWriter {

    private static final Logger LOG = Logger.getLogger(ExposureWriter.class);
    static final int MAX_BATCH = 1_000;
    static final int CAPACITY = 20_000;
    static final int OFFER_SECONDS = 10;
    /**
     * How long the writer waits for more exposures after the first of a batch (a barrier does not wait). With H2 each
     * commit writes a chunk of the changed B-tree pages to the file (WRITE_DELAY=0), whatever the rows it carries: at
     * 10 ms, those writes took a quarter of the server's CPU under a columns load (ab-testing/BENCHMARK.md).
     */
    static final long LINGER_MILLIS = 50;
    private static final long RETRY_MILLIS = 1_000;
    public static final String DEAD_LETTERS = "mptrec.exposures.dead.letters";
    private static final String DEAD_LETTER = "INSERT INTO exposure_dead_letter (failed_at, request_id, sql_state, error, "
            + "exposure) VALUES (?, ?, ?, ?, ?)";
    private static final String INSERT = "INSERT INTO exposure (request_id, task_id, experiment_id, arm, unit_id, "
            + "prompt_version_id, scored_at, candidates, score_first, score_mean, score_max) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** An exposure to store, or (exposure null) a barrier completed once everything queued before it committed. */
    private record Pending(Exposure exposure, CompletableFuture<Void> stored) {
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final Counter deadLettered;
    private final Counter deadLetterLogged;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(CAPACITY);
    private volatile Thread writer;
    private volatile boolean stopping;

    public ExposureWriter(DataSource dataSource, Clock clock, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.deadLettered = Counter.builder(DEAD_LETTERS).tag("kept", "table")
                .description("Exposures the database refused on their own, kept in exposure_dead_letter")
                .register(meters);
        this.deadLetterLogged = Counter.builder(DEAD_LETTERS).tag("kept", "log")
                .description("Exposures refused by the exposure table and the dead-letter table: only in the log")
                .register(meters);
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
        boolean rowByRow = false;
        while (true) {
            try {
                if (batch.isEmpty()) {
                    rowByRow = false;
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
                if (rowByRow) {
                    storeRowByRow(batch);
                    continue;
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
                if (!rowByRow && refusedData(e)) {
                    // Some row of the batch can never be stored: find it, without waiting.
                    LOG.warnf("a batch of %d exposures was refused (%s); storing it row by row", batch.size(),
                            SqlErrors.sqlState(e));
                    rowByRow = true;
                    continue;
                }
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

    /**
     * Stores the batch one row per transaction, in order, removing each row once it is settled (stored or
     * dead-lettered) and completing barriers as they come; a transient failure leaves the rest for the retry.
     */
    private void storeRowByRow(List<Pending> batch) {
        for (Iterator<Pending> it = batch.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.exposure() == null) {
                p.stored().complete(null);
            } else {
                try {
                    QuarkusTransaction.requiringNew().run(() -> insert(List.of(p.exposure())));
                } catch (RuntimeException e) {
                    if (!refusedData(e)) {
                        throw e;
                    }
                    deadLetter(p.exposure(), e);
                }
            }
            it.remove();
        }
    }

    /** Keeps a refused row in exposure_dead_letter, or in the log if even that is refused; counted either way. */
    private void deadLetter(Exposure exposure, RuntimeException refusal) {
        String row = json(exposure);
        String state = SqlErrors.sqlState(refusal);
        String error = cut(escape(String.valueOf(refusal.getCause() != null ? refusal.getCause().getMessage()
                : refusal.getMessage())), 2000);
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(DEAD_LETTER)) {
                    s.setObject(1, clock.instant().atOffset(ZoneOffset.UTC));
                    s.setString(2, cut(exposure.requestId == null ? "?" : escape(exposure.requestId), 200));
                    s.setString(3, state);
                    s.setString(4, error);
                    s.setString(5, cut(row, 4000));
                    s.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException("could not store the dead letter: " + e.getMessage(), e);
                }
            });
        } catch (RuntimeException e) {
            if (!refusedData(e)) {
                throw e; // the database went away meanwhile: this row is retried
            }
            deadLetterLogged.increment();
            LOG.errorf(e, "DEAD LETTER (not stored anywhere else): the database refused exposure %s (%s: %s) and its "
                    + "dead letter; the queue goes on", row, state, error);
            return;
        }
        deadLettered.increment();
        LOG.errorf("DEAD LETTER: the database refused exposure %s (%s: %s); kept in exposure_dead_letter, the queue "
                + "goes on", row, state, error);
    }

    /** Whether the failure is about the rows' data (SQLSTATE class 22 or 23, or a row that cannot be bound). */
    private static boolean refusedData(Throwable e) {
        return SqlErrors.chain(e).anyMatch(t -> t instanceof UnboundRow) || SqlErrors.refusedData(e);
    }

    /** The row as JSON, every control character and unpaired surrogate escaped, so that any database stores it. */
    static String json(Exposure e) {
        return "{\"requestId\":" + quote(e.requestId) + ",\"taskId\":" + e.taskId + ",\"experimentId\":"
                + e.experimentId + ",\"arm\":" + quote(e.arm) + ",\"unitId\":" + quote(e.unitId)
                + ",\"promptVersionId\":" + e.promptVersionId + ",\"scoredAt\":"
                + quote(e.scoredAt == null ? null : e.scoredAt.toString()) + ",\"candidates\":" + e.candidates
                + ",\"scoreFirst\":" + number(e.scoreFirst) + ",\"scoreMean\":" + number(e.scoreMean)
                + ",\"scoreMax\":" + number(e.scoreMax) + "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + escape(s).replace("\"", "\\\"") + "\"";
    }

    private static String number(double d) {
        return Double.isFinite(d) ? Double.toString(d) : quote(Double.toString(d));
    }

    /** Backslash doubled; control characters and unpaired surrogates as \\uXXXX. */
    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (pair) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else if (c == '\\') {
                b.append("\\\\");
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** A row whose fields cannot even be bound (a null where the table needs a value): never storable. */
    private static final class UnboundRow extends RuntimeException {
        UnboundRow(RuntimeException cause) {
            super("an exposure cannot be bound: " + cause, cause);
        }
    }

    private void insert(List<Exposure> batch) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(INSERT)) {
            for (Exposure e : batch) {
                try {
                    bind(s, e);
                } catch (RuntimeException unbound) {
                    throw new UnboundRow(unbound);
                }
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the exposures: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement s, Exposure e) throws SQLException {
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

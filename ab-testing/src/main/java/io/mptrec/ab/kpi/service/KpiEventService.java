package io.mptrec.ab.kpi.service;

import io.mptrec.ab.kpi.KpiRequests.KpiAck;
import io.mptrec.ab.kpi.KpiRequests.KpiEventRequest;
import io.mptrec.ab.kpi.KpiValues;
import io.mptrec.ab.store.InsertIfAbsent;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stores KPI events in one batched statement per request, idempotent by event id: the UNIQUE constraint on
 * {@code kpi_event.event_id} decides, so concurrent duplicates are stored once. PostgreSQL:
 * {@code INSERT ... ON CONFLICT (event_id) DO NOTHING}; H2: {@code MERGE ... WHEN NOT MATCHED THEN INSERT}.
 * The method returns only after its transaction committed, so an acknowledged event is durable.
 *
 * <p>Rows are inserted in event-id order, so two batches sharing ids take their index locks in the same order and
 * cannot deadlock; a batch that still fails on a deadlock, a serialization failure or a racing duplicate (H2's MERGE)
 * is retried whole in a new transaction (it is idempotent), up to {@link #ATTEMPTS} times.
 */
@ApplicationScoped
public class KpiEventService {

    public static final int MAX_BATCH = 10_000;
    static final int ATTEMPTS = 3;

    private static final String POSTGRES = "INSERT INTO kpi_event (event_id, request_id, metric, metric_value, received_at) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING";
    private static final String STANDARD = "MERGE INTO kpi_event t USING (VALUES (CAST(? AS VARCHAR(100)), "
            + "CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(64)), CAST(? AS DOUBLE PRECISION), "
            + "CAST(? AS TIMESTAMP WITH TIME ZONE))) s (event_id, request_id, metric, metric_value, received_at) "
            + "ON t.event_id = s.event_id WHEN NOT MATCHED THEN INSERT (event_id, request_id, metric, metric_value, "
            + "received_at) VALUES (s.event_id, s.request_id, s.metric, s.metric_value, s.received_at)";

    private static final InsertIfAbsent INSERT = new InsertIfAbsent(POSTGRES, STANDARD);

    private final DataSource dataSource;
    private final Clock clock;

    public KpiEventService(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Validates, then stores in a transaction of its own; returns after the commit. */
    public KpiAck persistEvents(List<KpiEventRequest> events) {
        Map<String, KpiEventRequest> unique = validate(events);
        for (int attempt = 1; ; attempt++) {
            try {
                int stored = QuarkusTransaction.requiringNew().call(() -> insert(unique.values()));
                return new KpiAck(events.size(), stored, events.size() - stored);
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !retryable(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * The edge's rules for a batch, whichever way it then travels (400 naming the field of the first bad event):
     * returns its events by id, the first of repeated ids kept, in id order.
     */
    public static Map<String, KpiEventRequest> validate(List<KpiEventRequest> events) {
        if (events.isEmpty() || events.size() > MAX_BATCH) {
            throw ApiException.badRequest("invalid-input", "a batch holds 1 to " + MAX_BATCH + " events, got "
                    + events.size(), "events");
        }
        Map<String, KpiEventRequest> unique = new TreeMap<>();
        for (int i = 0; i < events.size(); i++) {
            KpiEventRequest e = events.get(i);
            if (e == null) {
                throw ApiException.badRequest("invalid-input", "event " + i + " is null", "events[" + i + "]");
            }
            validate(e, "events[" + i + "].");
            unique.putIfAbsent(e.eventId(), e);
        }
        return unique;
    }

    /** One event's rules; {@code at} prefixes the field names (e.g. {@code events[3].}). */
    public static void validate(KpiEventRequest e, String at) {
        requireText(e.eventId(), 100, at + "eventId");
        requireText(e.requestId(), 64, at + "requestId");
        Names.requireName(e.metric(), at + "metric");
        KpiValues.requireValue(e.value(), at + "value");
    }

    private int insert(Collection<KpiEventRequest> events) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        try {
            return INSERT.run(dataSource, events, (s, e) -> {
                s.setString(1, e.eventId());
                s.setString(2, e.requestId());
                s.setString(3, e.metric());
                s.setDouble(4, e.value());
                s.setObject(5, now);
            });
        } catch (SQLException ex) {
            throw new KpiStoreException(ex);
        }
    }

    /** Deadlock (40P01), serialization failure (40001) or a unique violation (23505) raced in by another batch. */
    private static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException n = sql; n != null; n = n.getNextException()) {
                    String state = n.getSQLState();
                    if ("40P01".equals(state) || "40001".equals(state) || "23505".equals(state)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A batch that could not be stored (nothing of it was: the transaction rolled back). */
    public static class KpiStoreException extends RuntimeException {
        KpiStoreException(SQLException cause) {
            super("could not store the KPI batch", cause);
        }
    }

    /** As {@link Names#requireText}, and not only white space: an id of spaces is no id a client meant to send. */
    private static void requireText(String value, int max, String field) {
        Names.requireText(value, max, field);
        if (value.isBlank()) {
            throw ApiException.badRequest("invalid-input", field + " must have 1 to " + max
                    + " characters, not only white space", field);
        }
    }
}

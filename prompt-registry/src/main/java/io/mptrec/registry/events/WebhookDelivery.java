package io.mptrec.registry.events;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Parameters;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.List;

/** The delivery state of one event to one webhook URL. */
@Entity
@Table(name = "webhook_delivery")
public class WebhookDelivery extends PanacheEntityBase {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "event_id", nullable = false, updatable = false)
    public OutboxEvent event;

    @Column(nullable = false, updatable = false)
    public String url;

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    /** Two application instances may pick the same row; the optimistic lock lets only one record the attempt. */
    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    /** The URL's PENDING deliveries due at {@code now}, oldest event first (the order a receiver gets them in). */
    public static List<WebhookDelivery> listDue(String url, Instant now, int limit) {
        return find("status = ?1 and url = ?2 and nextAttemptAt <= ?3 order by event.id, id", PENDING, url, now)
                .page(0, limit).list();
    }

    /**
     * Marks FAILED, with the reason, the PENDING deliveries of events up to {@code upToEventId} whose URL is none of
     * {@code urls}; bumps their row version, so that an instance sending one of them does not record its outcome.
     */
    public static int failUnconfigured(List<String> urls, long upToEventId, String reason) {
        String rest = "rowVersion = rowVersion + 1 where status = :pending and event.id <= :upTo";
        Parameters params = Parameters.with("failed", FAILED).and("reason", reason)
                .and("pending", PENDING).and("upTo", upToEventId);
        return urls.isEmpty() ? update("status = :failed, lastError = :reason, " + rest, params)
                : update("status = :failed, lastError = :reason, " + rest + " and url not in :urls",
                params.and("urls", urls));
    }

    public static List<WebhookDelivery> listByEvent(OutboxEvent event) {
        return list("event = ?1 order by id", event);
    }
}

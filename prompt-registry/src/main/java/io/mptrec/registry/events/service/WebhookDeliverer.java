package io.mptrec.registry.events.service;

import io.mptrec.registry.config.RegistryConfig;
import io.mptrec.registry.events.OutboxEvent;
import io.mptrec.registry.events.WebhookDelivery;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.narayana.jta.QuarkusTransactionException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.PersistenceException;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers outbox events to the configured webhooks: at least once, retried with exponential backoff
 * (initial * 2^attempts), FAILED after the configured attempts. Receivers deduplicate by the event id
 * (header {@code X-Mptrec-Event-Id}).
 * <p>
 * Each URL has a worker of its own (one thread per configured URL, at most one delivery in flight per URL, its rows in
 * event order), so a receiver that never answers costs only its own deliveries the request timeout. A row is claimed
 * before it is sent (its attempt counted and its next attempt moved past the send, under the row's optimistic lock),
 * so that of several instances on one database only one sends it.
 */
@ApplicationScoped
public class WebhookDeliverer {

    private static final Logger LOG = Logger.getLogger(WebhookDeliverer.class);
    /** The rows one run of a URL's worker sends at most; the rest wait for the next poll. */
    private static final int BATCH = 50;
    /** A claimed row becomes due again this long after its send's timeout, should the claiming instance have died. */
    private static final Duration CLAIM_MARGIN = Duration.ofSeconds(30);

    static final String NOT_CONFIGURED = "no longer configured (" + WebhookUrls.SETTING + ")";

    private final Clock clock;
    private final RegistryConfig config;
    private final HttpClient http;
    private final List<String> urls;
    private final ExecutorService workers;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public WebhookDeliverer(Clock clock, RegistryConfig config) {
        this.clock = clock;
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.webhooks().requestTimeout()).build();
        this.urls = config.webhooks().urls().orElse(List.of());
        AtomicInteger n = new AtomicInteger();
        this.workers = urls.isEmpty() ? null : Executors.newFixedThreadPool(urls.size(), r -> {
            Thread t = new Thread(r, "webhook-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Events up to this id were written before this instance started: a PENDING delivery of one of them to a URL this
     * instance lacks is for a URL removed from the configuration (marked FAILED). A later one may come from an instance
     * that already has a URL added to it (a rolling change): it is only left alone.
     */
    private volatile long startedAfterEvent = -1;

    /** A bad webhook URL stops the start (see {@link WebhookUrls}), before any change writes a delivery row for it. */
    void checkUrls(@Observes StartupEvent start) {
        WebhookUrls.check(urls);
        startedAfterEvent = QuarkusTransaction.requiringNew().call(() ->
                OutboxEvent.getEntityManager()
                        .createQuery("select coalesce(max(e.id), 0) from OutboxEvent e", Long.class).getSingleResult());
    }

    @PreDestroy
    void stop() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** Starts a worker for each URL that has none running; never waits for one. */
    @Scheduled(every = "${mptrec.registry.webhooks.poll:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deliverDue() {
        if (startedAfterEvent >= 0) {
            int dropped = QuarkusTransaction.requiringNew().call(() ->
                    WebhookDelivery.failUnconfigured(urls, startedAfterEvent, NOT_CONFIGURED));
            if (dropped > 0) {
                LOG.infof("%d webhook deliveries to URLs no longer configured marked FAILED", dropped);
            }
        }
        for (String url : urls) {
            if (running.add(url)) {
                try {
                    workers.execute(() -> {
                        try {
                            deliverDueTo(url);
                        } catch (RuntimeException e) {
                            LOG.warnf(e, "webhook %s: delivery run failed", url);
                        } finally {
                            running.remove(url);
                        }
                    });
                } catch (RejectedExecutionException shuttingDown) {
                    running.remove(url);
                }
            }
        }
    }

    /**
     * Sends the URL's due rows one after another, oldest event first, until the receiver does not answer (a timeout, no
     * connection) or another instance has a row. A receiver that answers with an error goes on to the next row.
     */
    private void deliverDueTo(String url) {
        List<Long> due = QuarkusTransaction.requiringNew().call(() ->
                WebhookDelivery.listDue(url, clock.instant(), BATCH).stream().map(d -> d.id).toList());
        for (Long id : due) {
            Claim claim = claim(id);
            if (claim == null) {
                return;  // another instance is delivering this URL's rows: it keeps their order
            }
            Attempt attempt = post(url, claim.eventId, claim.payload);
            String error = attempt.error;
            if (Thread.currentThread().isInterrupted()) {
                return;  // shutting down: the claim lapses and the row is sent again, by this or another instance
            }
            try {
                QuarkusTransaction.requiringNew().run(() -> record(id, claim.rowVersion, error));
            } catch (PersistenceException | QuarkusTransactionException e) {
                LOG.debugf("delivery %d: outcome not recorded (%s)", id, e.getMessage());
            }
            if (!attempt.answered) {
                return;  // the receiver is down: its other rows wait their turn instead of each costing a timeout
            }
        }
    }

    private record Claim(long eventId, String payload, long rowVersion) {
    }

    /** Counts the attempt and moves the row's next attempt past the send; null when it is no longer ours to send. */
    private Claim claim(long id) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                WebhookDelivery d = WebhookDelivery.findById(id);
                Instant now = clock.instant();
                if (d == null || !WebhookDelivery.PENDING.equals(d.status) || d.nextAttemptAt.isAfter(now)) {
                    return null;
                }
                d.attempts++;
                d.nextAttemptAt = now.plus(config.webhooks().requestTimeout()).plus(CLAIM_MARGIN);
                d.flush();  // the optimistic lock: of two instances only one claims the row
                return new Claim(d.event.id, d.event.payload, d.rowVersion);
            });
        } catch (PersistenceException | QuarkusTransactionException e) {
            LOG.debugf("delivery %d: claimed by another instance (%s)", id, e.getMessage());
            return null;
        }
    }

    private void record(long id, long claimedVersion, String error) {
        WebhookDelivery d = WebhookDelivery.findById(id);
        if (d == null || d.rowVersion != claimedVersion) {
            return;  // our claim expired and another instance took the row over: its outcome counts
        }
        Instant now = clock.instant();
        if (error == null) {
            d.status = WebhookDelivery.DELIVERED;
            d.deliveredAt = now;
            d.lastError = null;
        } else {
            d.lastError = error.length() > 2000 ? error.substring(0, 2000) : error;
            if (d.attempts >= config.webhooks().maxAttempts()) {
                d.status = WebhookDelivery.FAILED;
            } else {
                Duration backoff = config.webhooks().initialBackoff().multipliedBy(1L << Math.min(d.attempts - 1, 20));
                d.nextAttemptAt = now.plus(backoff);
            }
        }
    }

    /** The error is null when delivered (2xx); answered is false when no response came. */
    private record Attempt(String error, boolean answered) {
    }

    /** Sends the row; the whole exchange is bounded by the request timeout. */
    private Attempt post(String url, long eventId, String payload) {
        Duration timeout = config.webhooks().requestTimeout();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("X-Mptrec-Event-Id", Long.toString(eventId))
                .POST(HttpRequest.BodyPublishers.ofString(payload));
        config.webhooks().secret().ifPresent(secret ->
                request.header(WebhookSignature.HEADER, WebhookSignature.of(secret, payload)));
        CompletableFuture<HttpResponse<Void>> response =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
        try {
            int status = response.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
            return new Attempt(status / 100 == 2 ? null : "HTTP " + status, true);
        } catch (TimeoutException e) {
            response.cancel(true);  // the response never came, or its body never ended
            return new Attempt("timed out after " + timeout, false);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            return new Attempt("interrupted", false);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                // the client's own timeout, the same one: one message for both
                return new Attempt("timed out after " + timeout, false);
            }
            return new Attempt(cause.getClass().getSimpleName() + ": " + cause.getMessage(), false);
        }
    }
}

package io.mptrec.registry.events.service;

import io.mptrec.registry.config.RegistryConfig;
import io.mptrec.registry.events.WebhookDelivery;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.narayana.jta.QuarkusTransactionException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.PersistenceException;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Delivers outbox events to the configured webhooks: at least once, retried with exponential backoff
 * (initial * 2^attempts), FAILED after the configured attempts. Receivers deduplicate by the event id
 * (header {@code X-Mptrec-Event-Id}).
 */
@ApplicationScoped
public class WebhookDeliverer {

    private static final Logger LOG = Logger.getLogger(WebhookDeliverer.class);

    private final Clock clock;
    private final RegistryConfig config;
    private final HttpClient http;

    public WebhookDeliverer(Clock clock, RegistryConfig config) {
        this.clock = clock;
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.webhooks().requestTimeout()).build();
    }

    /** A bad webhook URL stops the start (see {@link WebhookUrls}), before any change writes a delivery row for it. */
    void checkUrls(@Observes StartupEvent start) {
        WebhookUrls.check(config.webhooks().urls().orElse(List.of()));
    }

    @Scheduled(every = "${mptrec.registry.webhooks.poll:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deliverDue() {
        if (config.webhooks().urls().isEmpty()) {
            return;  // no webhooks: no delivery rows are ever written
        }
        List<Long> due = QuarkusTransaction.requiringNew().call(() ->
                WebhookDelivery.listDue(clock.instant(), 50).stream().map(d -> d.id).toList());
        for (Long id : due) {
            try {
                QuarkusTransaction.requiringNew().run(() -> attempt(id));
            } catch (PersistenceException | QuarkusTransactionException e) {
                // another deliverer (instance) recorded an attempt first: at-least-once, receivers dedupe by event id
                LOG.debugf("delivery %d: attempt not recorded (%s)", id, e.getMessage());
            }
        }
    }

    private void attempt(long id) {
        WebhookDelivery d = WebhookDelivery.findById(id);
        if (d == null || !WebhookDelivery.PENDING.equals(d.status)) {
            return;
        }
        Instant now = clock.instant();
        d.attempts++;
        String error = post(d.url, d.event.id, d.event.payload);
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

    /** Returns null when delivered (2xx), else the reason. */
    private String post(String url, long eventId, String payload) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(config.webhooks().requestTimeout())
                    .header("Content-Type", "application/json")
                    .header("X-Mptrec-Event-Id", Long.toString(eventId))
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}

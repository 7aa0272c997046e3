package io.mptrec.registry.events.service;

import io.mptrec.kernel.audit.AuditAction;
import io.mptrec.kernel.audit.Change;
import io.mptrec.kernel.audit.Ledger;
import io.mptrec.registry.config.RegistryConfig;
import io.mptrec.registry.events.OutboxEvent;
import io.mptrec.registry.events.WebhookDelivery;
import io.mptrec.registry.testing.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The deliverer against real local receivers ({@link WebhookReceivers}) and PostgreSQL: the configured URLs are a
 * receiver that never answers, then a healthy one. Events are published as every module records a change
 * ({@link Ledger}), each test on a task of its own.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(value = WebhookReceivers.class, restrictToAnnotatedClass = true)
class WebhookDelivererTests {

    @Inject
    Ledger ledger;
    @Inject
    RegistryConfig config;
    @Inject
    Clock clock;

    /** Set by {@link WebhookReceivers}: per request to the healthy receiver, its event id, signature and body. */
    List<List<String>> healthyRequests;
    List<String> goneRequests;
    String goneUrl;

    @Test
    void shouldNotLetAReceiverThatNeverAnswersDelayAnother() {
        String task = "slow-and-healthy";
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(publish(task, i + 1));
        }
        List<String> expected = ids.stream().map(String::valueOf).toList();

        // each attempt at the slow receiver costs the 10 s timeout; the healthy one must not wait for any of them
        long start = System.nanoTime();
        awaitAtMost(Duration.ofSeconds(30), () -> eventIdsAtHealthy(expected).size() >= expected.size());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(Duration.ofSeconds(6));
        // once each (no instance sent a row twice), in the order the events were published
        assertThat(eventIdsAtHealthy(expected)).containsExactlyElementsOf(expected);
        // signed with the configured secret: the receiver recomputes the HMAC of the body it read
        assertThat(healthyRequests).filteredOn(r -> expected.contains(r.get(0))).allSatisfy(r -> assertThat(r.get(1))
                .isEqualTo("sha256=" + hmacSha256Hex("receiver's shared secret", r.get(2))));
        assertThat(deliveries(ids.get(0))).extracting(d -> d.status)
                .containsExactly(WebhookDelivery.PENDING, WebhookDelivery.DELIVERED);

        // the slow receiver's attempt ends at the per-request timeout and is retried later, the row still PENDING
        awaitAtMost(Duration.ofSeconds(30), () -> deliveries(ids.get(0)).get(0).lastError != null);
        WebhookDelivery slow = deliveries(ids.get(0)).get(0);
        assertThat(slow.status).isEqualTo(WebhookDelivery.PENDING);
        assertThat(slow.attempts).isEqualTo(1);
        assertThat(slow.lastError).isEqualTo("timed out after PT10S");
    }

    @Test
    void shouldSendARowOnceWhenSeveralInstancesDeliverTogether() {
        String task = "instances";
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(publish(task, i + 1));
        }
        List<String> expected = ids.stream().map(String::valueOf).toList();
        // two more deliverers on the same database, as two more instances, polling alongside this one's
        List<WebhookDeliverer> others = List.of(new WebhookDeliverer(clock, config),
                new WebhookDeliverer(clock, config));
        try {
            awaitAtMost(Duration.ofSeconds(30), () -> {
                others.forEach(WebhookDeliverer::deliverDue);
                return eventIdsAtHealthy(expected).size() >= expected.size();
            });
            assertThat(eventIdsAtHealthy(expected)).hasSize(expected.size())
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(ids).allSatisfy(id -> assertThat(deliveries(id).get(1))
                    .extracting(d -> d.status, d -> d.attempts).containsExactly(WebhookDelivery.DELIVERED, 1));
        } finally {
            others.forEach(WebhookDeliverer::stop);
        }
    }

    @Test
    void shouldMarkTheDeliveriesToARemovedUrlFailedAndSendNone() {
        // an event written before this instance started, when goneUrl was configured: one row per URL of then
        sql("INSERT INTO outbox_event (id, created_at, event_type, task, payload)"
                + " VALUES (-1, ?1, 'LABEL_MOVED', 'gone', '{}')", clock.instant().minusSeconds(60));
        insertDelivery(-1, goneUrl);
        insertDelivery(-1, config.webhooks().urls().orElseThrow().get(1));
        // an event written since, by an instance that has goneUrl (a rolling change adding it): left alone
        long later = publish("gone", 1);
        insertDelivery(later, goneUrl);

        awaitAtMost(Duration.ofSeconds(30), () -> !deliveries(-1).get(0).status.equals(WebhookDelivery.PENDING)
                && deliveries(later).get(1).status.equals(WebhookDelivery.DELIVERED));
        assertThat(WebhookDeliverer.NOT_CONFIGURED).isEqualTo("no longer configured (mptrec.registry.webhooks.urls)");
        assertThat(deliveries(-1)).extracting(d -> d.url, d -> d.status, d -> d.attempts, d -> d.lastError)
                .containsExactly(
                        tuple(goneUrl, WebhookDelivery.FAILED, 0, WebhookDeliverer.NOT_CONFIGURED),
                        tuple(config.webhooks().urls().orElseThrow().get(1), WebhookDelivery.DELIVERED, 1, null));
        assertThat(deliveries(later).get(2)).extracting(d -> d.url, d -> d.status, d -> d.attempts)
                .containsExactly(goneUrl, WebhookDelivery.PENDING, 0);
        assertThat(goneRequests).isEmpty();
    }

    private void insertDelivery(long eventId, String url) {
        sql("INSERT INTO webhook_delivery (event_id, url, status, attempts, next_attempt_at, row_version)"
                + " VALUES (?1, ?2, 'PENDING', 0, ?3, 0)", eventId, url, clock.instant().minusSeconds(60));
    }

    private static void sql(String statement, Object... parameters) {
        QuarkusTransaction.requiringNew().run(() -> {
            var query = OutboxEvent.getEntityManager().createNativeQuery(statement);
            for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
            }
            query.executeUpdate();
        });
    }

    /** As a receiver verifies a delivery, independently of the registry's code. */
    private static String hmacSha256Hex(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private long publish(String task, int version) {
        return QuarkusTransaction.requiringNew().call(() -> {
            ledger.record(Change.of("carol", AuditAction.RELEASE, task).version(version).from("APPROVED")
                    .to("RELEASED"));
            return OutboxEvent.<OutboxEvent>find("task = ?1 order by id desc", task).firstResult().id;
        });
    }

    private List<String> eventIdsAtHealthy(List<String> of) {
        return healthyRequests.stream().map(r -> r.get(0)).filter(of::contains).toList();
    }

    /** The event's deliveries in the order of the configured URLs (slow, healthy), read in a transaction of its own. */
    private static List<WebhookDelivery> deliveries(long eventId) {
        return QuarkusTransaction.requiringNew().call(() ->
                WebhookDelivery.listByEvent(OutboxEvent.findById(eventId)));
    }

    private static void awaitAtMost(Duration limit, BooleanSupplier condition) {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", limit).isLessThan(end);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

package io.mptrec.registry.version.service;

import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.LiveTrafficDecision;
import io.mptrec.registry.api.PromptRegistry;
import io.mptrec.registry.api.PromptRegistry.Servable;
import io.mptrec.registry.api.ServedVersion;
import io.mptrec.registry.api.VersionRef;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.testing.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.OptimisticLockException;
import jakarta.transaction.TransactionalException;
import org.hibernate.StaleStateException;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.mptrec.registry.version.service.Fixture.ALICE;
import static io.mptrec.registry.version.service.Fixture.BOB;
import static io.mptrec.registry.version.service.Fixture.CAROL;
import static io.mptrec.registry.version.service.Fixture.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry's published interface ({@link PromptRegistry}), as other modules call it. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class PromptRegistryServiceTests {

    @Inject
    PromptRegistry registry;
    @Inject
    Lifecycle lifecycle;
    @Inject
    Catalog catalog;
    @Inject
    Fixture fixture;
    @Inject
    DataSource dataSource;

    @Test
    void shouldLetOnlyReviewedVersionsTakeLiveTrafficForEveryStatus() {
        String task = "live-traffic";
        int draft = fixture.upload(task, 1, "alice");
        int inReview = fixture.upload(task, 2, "alice");
        lifecycle.submit(task, inReview, ALICE, null);
        int rejected = fixture.upload(task, 3, "alice");
        lifecycle.submit(task, rejected, ALICE, null);
        lifecycle.reject(task, rejected, BOB, "no");
        int retired = fixture.reviewed(task, 4);
        lifecycle.release(task, retired, CAROL, null);
        int released = fixture.reviewed(task, 5);
        lifecycle.release(task, released, CAROL, null);
        int rolledBack = fixture.reviewed(task, 6);
        lifecycle.release(task, rolledBack, CAROL, null);
        lifecycle.rollback(task, null, CAROL, "back to the previous release");
        int approved = fixture.reviewed(task, 7);
        // A RETIRED version that was never production: a state the lifecycle never makes, set directly.
        int retiredNeverProduction = fixture.reviewed(task, 8);
        fixture.sql("UPDATE prompt_version SET status = 'RETIRED', released_at = NULL WHERE id = ?1",
                fixture.versionId(task, retiredNeverProduction));

        Map<Integer, VersionStatus> expectedStatus = new LinkedHashMap<>();
        expectedStatus.put(draft, VersionStatus.DRAFT);
        expectedStatus.put(inReview, VersionStatus.IN_REVIEW);
        expectedStatus.put(approved, VersionStatus.APPROVED);
        expectedStatus.put(rejected, VersionStatus.REJECTED);
        expectedStatus.put(released, VersionStatus.RELEASED);
        expectedStatus.put(retired, VersionStatus.RETIRED);
        expectedStatus.put(rolledBack, VersionStatus.ROLLED_BACK);
        expectedStatus.put(retiredNeverProduction, VersionStatus.RETIRED);
        assertThat(EnumSet.copyOf(expectedStatus.values())).as("every status is covered")
                .isEqualTo(EnumSet.allOf(VersionStatus.class));

        Map<Integer, Boolean> allowed = Map.of(draft, false, inReview, false, approved, true, rejected, false,
                released, true, retired, true, rolledBack, false, retiredNeverProduction, false);
        expectedStatus.forEach((number, status) -> {
            LiveTrafficDecision decision = registry.liveTraffic(fixture.versionId(task, number));
            assertThat(decision.status()).as("v" + number).isEqualTo(status);
            assertThat(decision.allowed()).as(decision.reason()).isEqualTo(allowed.get(number));
            assertThat(decision.task()).isEqualTo(task);
            assertThat(decision.number()).isEqualTo(number);
            assertThat(decision.reason()).contains("version " + number, status.name());
            if (!decision.allowed()) {
                assertThat(decision.reason()).contains(PromptRegistry.LIVE_TRAFFIC_RULE);
            }
        });
        assertThat(registry.liveTraffic(fixture.versionId(task, retired)).reason()).contains("production before");
        refused(() -> registry.liveTraffic(Long.MAX_VALUE), 404, "not-found");
    }

    @Test
    void shouldChangeTheServingStampWithEveryChangeOfWhatServes() {
        String task = "stamp";
        int v1 = fixture.reviewed(task, 1);
        long uploaded = registry.servingStamp(task).stamp();

        lifecycle.release(task, v1, CAROL, null);
        long releasedStamp = registry.servingStamp(task).stamp();
        assertThat(releasedStamp).isGreaterThan(uploaded);
        long taskId = registry.servingStamp(task).taskId();
        ServedVersion production = QuarkusTransaction.requiringNew().call(() -> registry.production(taskId)).orElseThrow();
        assertThat(production.number()).isEqualTo(v1);
        assertThat(production.versionId()).isEqualTo(fixture.versionId(task, v1));

        QuarkusTransaction.requiringNew().run(() -> registry.servingChanged(task));
        long changed = registry.servingStamp(task).stamp();
        assertThat(changed).isGreaterThan(releasedStamp);
        // a rolled back caller's transaction leaves the stamp as it was
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            registry.servingChanged(task);
            throw new IllegalStateException("the caller fails after reporting its change");
        })).hasStackTraceContaining("the caller fails");
        assertThat(registry.servingStamp(task).stamp()).isEqualTo(changed);

        assertThatThrownBy(() -> registry.servingChanged(task)).as("needs the caller's transaction")
                .isInstanceOf(TransactionalException.class);
        refused(() -> registry.servingStamp("no-such-task"), 404, "not-found");
        refused(() -> QuarkusTransaction.requiringNew().run(() -> registry.servingChanged("no-such-task")), 404,
                "not-found");
        assertThat(QuarkusTransaction.requiringNew().call(() -> registry.production(Long.MAX_VALUE))).isEmpty();
    }

    /**
     * Of two concurrent changes of one task's serving, the second waits in {@code servingChanged} for the first
     * transaction and then fails there, with the optimistic-lock conflict the API answers 409 to: before the caller
     * writes anything, and not at commit, where the transaction manager logged it as a warning with a stack trace.
     */
    @Test
    void shouldHoldTheTaskUntilTheChangeEndsAndFailTheSecondChangeAtOnce() throws Exception {
        String task = "stamp-race";
        fixture.reviewed(task, 1);
        long before = registry.servingStamp(task).stamp();
        CountDownLatch firstHolds = new CountDownLatch(1);
        CountDownLatch secondRead = new CountDownLatch(1);
        AtomicBoolean secondWentOn = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = pool.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                registry.servingChanged(task);
                firstHolds.countDown();
                await(secondRead);
                awaitALockWait(); // the second has read the stamp and waits for the task's row
            }));
            await(firstHolds);
            Future<?> second = pool.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                secondRead.countDown();
                registry.servingChanged(task);
                secondWentOn.set(true);
            }));
            first.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(StaleStateException.class)
                    .hasCauseInstanceOf(OptimisticLockException.class);
            assertThat(secondWentOn).as("the second change stopped in servingChanged").isFalse();
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.servingStamp(task).stamp()).as("bumped once, by the first").isEqualTo(before + 1);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Until a session of this database waits for a lock (PostgreSQL's own view of its sessions). */
    private void awaitALockWait() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT COUNT(*) "
                + "FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            while (System.nanoTime() < deadline) {
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    if (r.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("the second change never waited for the task's row");
    }

    @Test
    void shouldServeTheArtifactsWhoseHashesTheVersionsRefNames() {
        String task = "servable";
        int v1 = fixture.upload(task, 1, "alice");
        int v2 = fixture.reviewed(task, 2);
        lifecycle.release(task, v2, CAROL, null);

        for (int number : new int[] {v1, v2}) {
            VersionRef ref = catalog.ref(task, number);
            Servable servable = registry.servable(ref.id());
            assertThat(servable.version()).isEqualTo(ref);
            assertThat(servable.prompt().task()).isEqualTo(task);
            assertThat(servable.prompt().contentSha256()).isEqualTo(ref.contentSha256());
            assertThat(servable.prompt().metadata().encoderSha256()).isEqualTo(ref.encoderSha256());
            assertThat(servable.encoder().contentSha256()).isEqualTo(ref.encoderSha256());
        }
        // the encoder is parsed once per process
        assertThat(registry.servable(catalog.ref(task, v1).id()).encoder())
                .isSameAs(registry.servable(catalog.ref(task, v2).id()).encoder());
        refused(() -> registry.servable(Long.MAX_VALUE), 404, "not-found", "version");
    }
}

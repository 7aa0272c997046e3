package io.mptrec.registry.version.service;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.api.VersionWithdrawn;
import io.mptrec.registry.version.Approval;
import io.mptrec.registry.api.AuditView;
import io.mptrec.registry.testing.PostgresResource;
import io.mptrec.registry.version.PromptVersion;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mptrec.registry.version.service.Fixture.ADMIN;
import static io.mptrec.registry.version.service.Fixture.ALICE;
import static io.mptrec.registry.version.service.Fixture.BOB;
import static io.mptrec.registry.version.service.Fixture.CAROL;
import static io.mptrec.registry.version.service.Fixture.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The version lifecycle and its rules at the service level (no HTTP, no security layer: the actor is given), against
 * PostgreSQL with the application's migrations. Each test works on a task of its own.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class LifecycleServiceTests {

    @Inject
    Fixture fixture;
    @Inject
    VersionService versions;
    @Inject
    LifecycleService lifecycle;
    @Inject
    WithdrawnEvents withdrawn;

    @Test
    void shouldWalkSubmitApproveReleaseRollbackWithAnAuditViewForEachChange() {
        String task = "walk";
        int v1 = fixture.upload(task, 1, "alice");
        assertThat(lifecycle.submit(task, v1, ALICE).status()).isEqualTo("IN_REVIEW");
        assertThat(lifecycle.approve(task, v1, BOB, "looks right", null).status()).isEqualTo("APPROVED");
        assertThat(lifecycle.release(task, v1, CAROL, null).status()).isEqualTo("RELEASED");
        assertThat(fixture.production(task)).isEqualTo(v1);

        int v2 = fixture.reviewed(task, 2);
        lifecycle.release(task, v2, CAROL, null);
        assertThat(fixture.status(task, v1)).isEqualTo(VersionStatus.RETIRED);
        assertThat(fixture.status(task, v2)).isEqualTo(VersionStatus.RELEASED);
        assertThat(fixture.production(task)).isEqualTo(v2);

        assertThat(lifecycle.rollback(task, null, CAROL, "conversion dropped").number()).isEqualTo(v1);
        assertThat(fixture.status(task, v1)).isEqualTo(VersionStatus.RELEASED);
        assertThat(fixture.status(task, v2)).isEqualTo(VersionStatus.ROLLED_BACK);
        assertThat(fixture.production(task)).isEqualTo(v1);

        List<AuditView> entries = fixture.audit(task, null);
        assertThat(entries).extracting(e -> e.action() + " v" + e.version() + " " + e.before() + "->" + e.after() + " by " + e.actor())
                .containsExactly(
                        "UPLOAD v1 null->DRAFT by alice",
                        "SUBMIT v1 DRAFT->IN_REVIEW by alice",
                        "APPROVE v1 IN_REVIEW->APPROVED by bob",
                        "RELEASE v1 APPROVED->RELEASED by carol",
                        "MOVE_LABEL v1 null->production=v1 by carol",
                        "UPLOAD v2 null->DRAFT by alice",
                        "SUBMIT v2 DRAFT->IN_REVIEW by alice",
                        "APPROVE v2 IN_REVIEW->APPROVED by bob",
                        "RETIRE v1 RELEASED->RETIRED by carol",
                        "RELEASE v2 APPROVED->RELEASED by carol",
                        "MOVE_LABEL v2 production=v1->production=v2 by carol",
                        "ROLLBACK v2 RELEASED->ROLLED_BACK by carol",
                        "REINSTATE v1 RETIRED->RELEASED by carol",
                        "MOVE_LABEL v1 production=v2->production=v1 by carol");
        assertThat(entries).filteredOn(e -> e.action().equals("ROLLBACK")).extracting(e -> e.reason())
                .containsExactly("conversion dropped");
        assertThat(entries).noneMatch(e -> e.adminBypass());
        assertThat(fixture.outboxTypes(task)).contains("VERSION_SUBMIT", "VERSION_APPROVE", "VERSION_RELEASE",
                "VERSION_RETIRE", "VERSION_ROLLBACK", "VERSION_REINSTATE", "LABEL_MOVED");
    }

    @Test
    void shouldRefuseForbiddenTransitionsAndLeaveNoTraceOfThem() {
        String task = "forbidden";
        int draft = fixture.upload(task, 1, "alice");
        long before = fixture.audit(task, null).size();
        refused(() -> lifecycle.approve(task, draft, BOB, null, null), 409, "invalid-transition");
        refused(() -> lifecycle.reject(task, draft, BOB, "no"), 409, "invalid-transition");
        refused(() -> lifecycle.release(task, draft, CAROL, null), 409, "invalid-transition");
        refused(() -> lifecycle.rollback(task, null, CAROL, "why"), 409, "no-production");
        refused(() -> lifecycle.rollback(task, null, CAROL, " "), 400, "reason-required");
        refused(() -> lifecycle.submit(task, 99, ALICE), 404, "not-found");
        refused(() -> lifecycle.submit("no-such-task", 1, ALICE), 404, "not-found");

        lifecycle.submit(task, draft, ALICE);
        refused(() -> lifecycle.submit(task, draft, ALICE), 409, "invalid-transition");
        refused(() -> lifecycle.reject(task, draft, BOB, "  "), 400, "comment-required");
        lifecycle.reject(task, draft, BOB, "the gate ignores the prompt");
        assertThat(fixture.status(task, draft)).isEqualTo(VersionStatus.REJECTED);
        refused(() -> lifecycle.submit(task, draft, ALICE), 409, "invalid-transition");
        refused(() -> lifecycle.approve(task, draft, BOB, null, null), 409, "invalid-transition");
        // not even an admin releases a refused version
        refused(() -> lifecycle.release(task, draft, ADMIN, "urgent"), 409, "invalid-transition");

        int v2 = fixture.reviewed(task, 2);
        lifecycle.release(task, v2, CAROL, null);
        refused(() -> lifecycle.release(task, v2, CAROL, null), 409, "invalid-transition");
        refused(() -> lifecycle.rollback(task, null, CAROL, "why"), 409, "no-previous-release");
        int v3 = fixture.reviewed(task, 3);
        lifecycle.release(task, v3, CAROL, null);
        // a retired version comes back by rollback only
        assertThatThrownBy(() -> lifecycle.release(task, v2, CAROL, null)).isInstanceOf(ApiException.class)
                .hasMessageContaining("use rollback");
        refused(() -> lifecycle.rollback(task, draft, CAROL, "why"), 409, "invalid-transition");
        refused(() -> lifecycle.rollback(task, v3, CAROL, "why"), 409, "invalid-transition");
        lifecycle.rollback(task, v2, CAROL, "back to v2");
        // a rolled back version is never a rollback target again
        refused(() -> lifecycle.rollback(task, v3, CAROL, "why"), 409, "invalid-transition");

        assertThat(fixture.audit(task, null).stream().skip(before)
                .map(e -> e.action()).toList()).containsExactly("SUBMIT", "REJECT",
                "UPLOAD", "SUBMIT", "APPROVE", "RELEASE", "MOVE_LABEL",
                "UPLOAD", "SUBMIT", "APPROVE", "RETIRE", "RELEASE", "MOVE_LABEL",
                "ROLLBACK", "REINSTATE", "MOVE_LABEL");
    }

    @Test
    void shouldKeepFourEyesAndFlagTheAdminBypassInTheAudit() {
        String task = "four-eyes";
        int mine = fixture.upload(task, 1, "alice");
        lifecycle.submit(task, mine, ALICE);
        assertThatThrownBy(() -> lifecycle.approve(task, mine, ALICE, null, "I checked it twice"))
                .isInstanceOf(ApiException.class).hasMessageContaining("four-eyes");
        assertThat(fixture.status(task, mine)).isEqualTo(VersionStatus.IN_REVIEW);

        int admins = fixture.upload(task, 2, "admin");
        lifecycle.submit(task, admins, ADMIN);
        refused(() -> lifecycle.approve(task, admins, ADMIN, "fine", null), 409, "bypass-needs-reason");
        refused(() -> lifecycle.approve(task, admins, ADMIN, "fine", " "), 409, "bypass-needs-reason");
        lifecycle.approve(task, admins, ADMIN, "fine", "no second approver on call");
        AuditView approval = only(task, "APPROVE");
        assertThat(approval.adminBypass()).isTrue();
        assertThat(approval.reason()).isEqualTo("no second approver on call");
        assertThat(QuarkusTransaction.requiringNew().call(() -> Approval.findLatestApproval(
                PromptVersion.findByTaskAndNumber(versions.findTask(task), admins).orElseThrow()).orElseThrow().adminBypass))
                .isTrue();

        // releasing an unapproved version: a release manager may not, an admin only with a reason, flagged
        refused(() -> lifecycle.release(task, mine, CAROL, "trust me"), 409, "invalid-transition");
        refused(() -> lifecycle.release(task, mine, ADMIN, null), 409, "bypass-needs-reason");
        lifecycle.release(task, mine, ADMIN, "incident 42: hotfix");
        AuditView release = only(task, "RELEASE");
        assertThat(release.adminBypass()).isTrue();
        assertThat(release.reason()).isEqualTo("incident 42: hotfix");
        assertThat(release.before()).isEqualTo("IN_REVIEW");
    }

    @Test
    void shouldTreatAnApprovalThatNoLongerCoversTheVersionAsVoid() {
        String task = "void-approval";
        int v1 = fixture.reviewed(task, 1);
        // Versions are immutable, so the approval is made to cover other content directly in the database.
        fixture.sql("UPDATE approval SET content_sha256 = ?1 WHERE prompt_version_id = ?2", "0".repeat(64),
                fixture.versionId(task, v1));
        assertThatThrownBy(() -> lifecycle.release(task, v1, CAROL, null)).isInstanceOf(ApiException.class)
                .hasMessageContaining("approval of version " + v1 + " is void");
        refused(() -> lifecycle.release(task, v1, ADMIN, null), 409, "bypass-needs-reason");
        assertThat(fixture.status(task, v1)).isEqualTo(VersionStatus.APPROVED);
        lifecycle.release(task, v1, ADMIN, "re-approved out of band");
        assertThat(only(task, "RELEASE").adminBypass()).isTrue();
    }

    @Test
    void shouldAnnounceEveryWithdrawalAndOnlyThose() {
        String task = "withdrawals";
        int refusedOne = fixture.upload(task, 1, "alice");
        lifecycle.submit(task, refusedOne, ALICE);
        lifecycle.reject(task, refusedOne, BOB, "no");
        int v2 = fixture.reviewed(task, 2);
        lifecycle.release(task, v2, CAROL, null);
        int v3 = fixture.reviewed(task, 3);
        lifecycle.release(task, v3, CAROL, null);
        lifecycle.rollback(task, null, CAROL, "guardrail breached");

        assertThat(withdrawn.of(task)).extracting(VersionWithdrawn::number, VersionWithdrawn::status,
                        VersionWithdrawn::actor)
                .containsExactly(
                        tuple(refusedOne, VersionStatus.REJECTED, "bob"),
                        tuple(v2, VersionStatus.RETIRED, "carol"),
                        tuple(v3, VersionStatus.ROLLED_BACK, "carol"));
        assertThat(withdrawn.of(task)).allSatisfy(e -> assertThat(e.versionId()).isEqualTo(fixture.versionId(task, e.number())));
    }

    @Test
    void shouldRollTheChangeAndItsAuditBackWhenAnObserverOfTheWithdrawalFails() {
        String task = WithdrawnEvents.VETOED_TASK;
        int v1 = fixture.upload(task, 1, "alice");
        lifecycle.submit(task, v1, ALICE);
        long before = fixture.audit(task, null).size();
        assertThatThrownBy(() -> lifecycle.reject(task, v1, BOB, "no")).hasStackTraceContaining("observer refuses");
        assertThat(fixture.status(task, v1)).isEqualTo(VersionStatus.IN_REVIEW);
        assertThat(fixture.audit(task, null)).hasSize((int) before);
        assertThat(fixture.outboxTypes(task)).doesNotContain("VERSION_REJECT");
    }

    private AuditView only(String task, String action) {
        List<AuditView> entries = fixture.audit(task, action);
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }
}

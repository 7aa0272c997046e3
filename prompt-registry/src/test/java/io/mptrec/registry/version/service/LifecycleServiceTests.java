package io.mptrec.registry.version.service;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Actor;
import io.mptrec.registry.api.ApprovalFacts;
import io.mptrec.registry.api.ApprovalPreview;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.ReleasePreview;
import io.mptrec.registry.api.RollbackPreview;
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
import static io.mptrec.registry.version.service.Fixture.problem;
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
    Lifecycle lifecycle;
    @Inject
    WithdrawnEvents withdrawn;

    @Test
    void shouldWalkSubmitApproveReleaseRollbackWithAnAuditViewForEachChange() {
        String task = "walk";
        int v1 = fixture.upload(task, 1, "alice");
        assertThat(lifecycle.submit(task, v1, ALICE, "retrained on May").status()).isEqualTo("IN_REVIEW");
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
        // the author's note and the reviewer's comment are kept, as the audit's reason
        assertThat(entries).filteredOn(e -> e.action().equals("SUBMIT")).extracting(e -> e.reason())
                .containsExactly("retrained on May", null);
        assertThat(entries).filteredOn(e -> e.action().equals("APPROVE") && e.version() == v1)
                .extracting(e -> e.reason()).containsExactly("looks right");
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
        refused(() -> lifecycle.submit(task, 99, ALICE, null), 404, "not-found");
        refused(() -> lifecycle.submit("no-such-task", 1, ALICE, null), 404, "not-found");

        lifecycle.submit(task, draft, ALICE, null);
        refused(() -> lifecycle.submit(task, draft, ALICE, null), 409, "invalid-transition");
        // a reason is an admin's bypass of four-eyes: on a second person's approval it would be dropped, so it is refused
        refused(() -> lifecycle.approve(task, draft, BOB, null, "it is fine"), 400, "invalid-input");
        assertThat(fixture.status(task, draft)).isEqualTo(VersionStatus.IN_REVIEW);
        refused(() -> lifecycle.reject(task, draft, BOB, "  "), 400, "comment-required");
        lifecycle.reject(task, draft, BOB, "the gate ignores the prompt");
        assertThat(fixture.status(task, draft)).isEqualTo(VersionStatus.REJECTED);
        refused(() -> lifecycle.submit(task, draft, ALICE, null), 409, "invalid-transition");
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
        lifecycle.submit(task, mine, ALICE, null);
        assertThatThrownBy(() -> lifecycle.approve(task, mine, ALICE, null, "I checked it twice"))
                .isInstanceOf(ApiException.class).hasMessageContaining("four-eyes");
        assertThat(fixture.status(task, mine)).isEqualTo(VersionStatus.IN_REVIEW);

        int admins = fixture.upload(task, 2, "admin");
        lifecycle.submit(task, admins, ADMIN, null);
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

        // the webhooks say so too, as the audit does: a compliance receiver tells a bypass from a reviewed change
        assertThat(fixture.outboxPayloads(task, "VERSION_SUBMIT")).extracting(p -> p.get("adminBypass").asBoolean())
                .containsExactly(false, false);
        assertThat(fixture.outboxPayloads(task, "VERSION_APPROVE")).singleElement()
                .satisfies(p -> assertThat(p.get("adminBypass").isBoolean() && p.get("adminBypass").asBoolean())
                        .isTrue());
        assertThat(fixture.outboxPayloads(task, "VERSION_RELEASE")).extracting(p -> p.get("adminBypass").asBoolean(),
                p -> p.get("reason").asText()).containsExactly(tuple(true, "incident 42: hotfix"));
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
        lifecycle.submit(task, refusedOne, ALICE, null);
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
        lifecycle.submit(task, v1, ALICE, null);
        long before = fixture.audit(task, null).size();
        assertThatThrownBy(() -> lifecycle.reject(task, v1, BOB, "no")).hasStackTraceContaining("observer refuses");
        assertThat(fixture.status(task, v1)).isEqualTo(VersionStatus.IN_REVIEW);
        assertThat(fixture.audit(task, null)).hasSize((int) before);
        assertThat(fixture.outboxTypes(task)).doesNotContain("VERSION_REJECT");
    }

    @Test
    void shouldPreviewAReleaseAsTheReleaseThenDecides() {
        String task = "release-preview";
        // APPROVED, nothing in production yet
        int v1 = fixture.reviewed(task, 1);
        ReleasePreview first = lifecycle.releasePreview(task, v1, CAROL);
        assertThat(first).extracting(ReleasePreview::task, ReleasePreview::number, ReleasePreview::status,
                        ReleasePreview::productionNow, ReleasePreview::productionNowBecomes, ReleasePreview::allowed,
                        ReleasePreview::bypass, ReleasePreview::refusal)
                .containsExactly(task, v1, VersionStatus.APPROVED, null, null, true, false, null);
        assertThat(first.reasonRequired()).isFalse();
        assertThat(first.approval()).extracting(ApprovalFacts::reviewer, ApprovalFacts::author, ApprovalFacts::valid,
                ApprovalFacts::adminBypass).containsExactly("bob", "alice", true, false);
        assertThat(first.approval().decidedAt()).isNotNull();
        assertThat(lifecycle.release(task, v1, CAROL, null).status()).isEqualTo("RELEASED");

        // APPROVED, with a production version that the release retires
        int v2 = fixture.reviewed(task, 2);
        ReleasePreview second = lifecycle.releasePreview(task, v2, CAROL);
        assertThat(second.productionNow()).isEqualTo(v1);
        assertThat(second.productionNowBecomes()).isEqualTo(VersionStatus.RETIRED);
        assertThat(second.allowed()).isTrue();
        lifecycle.release(task, v2, CAROL, null);
        assertThat(fixture.status(task, v1)).isEqualTo(second.productionNowBecomes());
        assertThat(fixture.production(task)).isEqualTo(v2);

        // IN_REVIEW: a release manager is refused in the preview's words; an admin may, as a bypass with a reason
        int v3 = fixture.upload(task, 3, "alice");
        lifecycle.submit(task, v3, ALICE, null);
        ReleasePreview managers = lifecycle.releasePreview(task, v3, CAROL);
        assertThat(managers.status()).isEqualTo(VersionStatus.IN_REVIEW);
        assertThat(managers.approval()).isNull();
        assertThat(managers.allowed()).isFalse();
        assertThat(managers.refusal()).isNotBlank();
        assertThat(problem(() -> lifecycle.release(task, v3, CAROL, "trust me"), 409, "invalid-transition").detail())
                .isEqualTo(managers.refusal());
        ReleasePreview admins = lifecycle.releasePreview(task, v3, ADMIN);
        assertThat(admins).extracting(ReleasePreview::productionNow, ReleasePreview::allowed, ReleasePreview::bypass,
                ReleasePreview::refusal).containsExactly(v2, true, true, null);
        assertThat(admins.reasonRequired()).isTrue();
        refused(() -> lifecycle.release(task, v3, ADMIN, null), 409, "bypass-needs-reason");
        assertThat(lifecycle.release(task, v3, ADMIN, "incident 7: hotfix").status()).isEqualTo("RELEASED");
        assertThat(only(task, "RELEASE", v3).adminBypass()).isTrue();

        // RETIRED: refused to everyone in the preview's words (rollback is the way back)
        for (Actor actor : List.of(CAROL, ADMIN)) {
            ReleasePreview retired = lifecycle.releasePreview(task, v1, actor);
            assertThat(retired).extracting(ReleasePreview::status, ReleasePreview::allowed, ReleasePreview::bypass)
                    .containsExactly(VersionStatus.RETIRED, false, false);
            assertThat(retired.refusal()).contains("use rollback");
            assertThat(problem(() -> lifecycle.release(task, v1, actor, "why not"), 409, "invalid-transition")
                    .detail()).isEqualTo(retired.refusal());
        }
        assertThat(fixture.status(task, v1)).isEqualTo(VersionStatus.RETIRED);

        // APPROVED, but the approval no longer covers the version: void, open only to an admin bypass
        int v4 = fixture.reviewed(task, 4);
        fixture.sql("UPDATE approval SET content_sha256 = ?1 WHERE prompt_version_id = ?2", "0".repeat(64),
                fixture.versionId(task, v4));
        ReleasePreview voided = lifecycle.releasePreview(task, v4, CAROL);
        assertThat(voided.approval().valid()).isFalse();
        assertThat(voided.allowed()).isFalse();
        assertThat(problem(() -> lifecycle.release(task, v4, CAROL, null), 409, "invalid-transition").detail())
                .isEqualTo(voided.refusal());
        assertThat(lifecycle.releasePreview(task, v4, ADMIN)).extracting(ReleasePreview::allowed,
                ReleasePreview::bypass).containsExactly(true, true);

        refused(() -> lifecycle.releasePreview(task, 99, CAROL), 404, "not-found", "version");
        refused(() -> lifecycle.releasePreview("no-such-task", 1, CAROL), 404, "not-found", "task");
    }

    @Test
    void shouldPreviewARollbackAsTheRollbackThenDecides() {
        String task = "rollback-preview";
        int v1 = fixture.reviewed(task, 1);
        refused(() -> lifecycle.rollbackPreview(task, null, CAROL), 409, "no-production");
        lifecycle.release(task, v1, CAROL, null);

        // nothing released before production: nothing to return to
        RollbackPreview nothing = lifecycle.rollbackPreview(task, null, CAROL);
        assertThat(nothing).extracting(RollbackPreview::productionNow, RollbackPreview::target,
                RollbackPreview::candidates, RollbackPreview::allowed).containsExactly(v1, null, List.of(), false);
        assertThat(problem(() -> lifecycle.rollback(task, null, CAROL, "why"), 409, "no-previous-release").detail())
                .isEqualTo(nothing.refusal());

        int v2 = fixture.reviewed(task, 2);
        lifecycle.release(task, v2, CAROL, null);
        int v3 = fixture.reviewed(task, 3);
        lifecycle.release(task, v3, CAROL, null);

        // production itself is no target
        RollbackPreview itself = lifecycle.rollbackPreview(task, v3, CAROL);
        assertThat(itself.allowed()).isFalse();
        assertThat(problem(() -> lifecycle.rollback(task, v3, CAROL, "why"), 409, "invalid-transition").detail())
                .isEqualTo(itself.refusal());

        // a RETIRED version named as the target
        RollbackPreview named = lifecycle.rollbackPreview(task, v1, CAROL);
        assertThat(named).extracting(RollbackPreview::target, RollbackPreview::allowed, RollbackPreview::refusal)
                .containsExactly(v1, true, null);

        // by default, the previously released version
        RollbackPreview previous = lifecycle.rollbackPreview(task, null, CAROL);
        assertThat(previous).extracting(RollbackPreview::task, RollbackPreview::productionNow,
                        RollbackPreview::productionNowBecomes, RollbackPreview::target, RollbackPreview::candidates,
                        RollbackPreview::allowed, RollbackPreview::refusal)
                .containsExactly(task, v3, VersionStatus.ROLLED_BACK, v2, List.of(v1, v2), true, null);
        assertThat(lifecycle.rollback(task, null, CAROL, "conversion dropped").number()).isEqualTo(previous.target());
        assertThat(fixture.status(task, v3)).isEqualTo(previous.productionNowBecomes());
        assertThat(fixture.production(task)).isEqualTo(v2);

        // a ROLLED_BACK version is never a target again
        RollbackPreview rolledBack = lifecycle.rollbackPreview(task, v3, CAROL);
        assertThat(rolledBack).extracting(RollbackPreview::productionNow, RollbackPreview::candidates,
                RollbackPreview::allowed).containsExactly(v2, List.of(v1), false);
        assertThat(problem(() -> lifecycle.rollback(task, v3, CAROL, "why"), 409, "invalid-transition").detail())
                .isEqualTo(rolledBack.refusal());

        refused(() -> lifecycle.rollbackPreview(task, 99, CAROL), 404, "not-found", "targetVersion");
        refused(() -> lifecycle.rollbackPreview("no-such-task", null, CAROL), 404, "not-found", "task");
    }

    @Test
    void shouldMoveProductionOnlyByReleaseAndRollback() {
        String task = "protected-label";
        int v1 = fixture.released(task, 1);
        int v2 = fixture.reviewed(task, 2);
        long before = fixture.audit(task, null).size();
        for (Actor actor : List.of(ALICE, ADMIN)) {
            refused(() -> lifecycle.setLabel(task, Lifecycle.PRODUCTION, v2, actor), 409, "protected-label");
            refused(() -> lifecycle.removeLabel(task, Lifecycle.PRODUCTION, actor), 409, "protected-label");
        }
        assertThat(fixture.production(task)).isEqualTo(v1);
        assertThat(fixture.audit(task, null)).hasSize((int) before);
    }

    private AuditView only(String task, String action, int version) {
        List<AuditView> entries = fixture.audit(task, action).stream()
                .filter(e -> Integer.valueOf(version).equals(e.version())).toList();
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    private AuditView only(String task, String action) {
        List<AuditView> entries = fixture.audit(task, action);
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    @Test
    void shouldPreviewAnApprovalAsTheApprovalThenDecides() {
        String task = "preview-approval";
        int draft = fixture.upload(task, 1, "alice");
        ApprovalPreview notInReview = lifecycle.approvalPreview(task, draft, BOB);
        assertThat(notInReview.allowed()).isFalse();
        assertThat(notInReview.bypass()).isFalse();
        assertThat(problem(() -> lifecycle.approve(task, draft, BOB, null, null), 409, "invalid-transition").detail())
                .isEqualTo(notInReview.refusal());

        lifecycle.submit(task, draft, ALICE, null);
        // the author: four-eyes refuses her; the preview says so in the approval's own words
        ApprovalPreview own = lifecycle.approvalPreview(task, draft, ALICE);
        assertThat(own.author()).isEqualTo("alice");
        assertThat(own.allowed()).isFalse();
        assertThat(own.bypass()).isTrue();
        assertThat(problem(() -> lifecycle.approve(task, draft, ALICE, null, "mine"), 409, "invalid-transition")
                .detail()).isEqualTo(own.refusal());
        // another approver: allowed, no bypass, and the approval goes through
        ApprovalPreview other = lifecycle.approvalPreview(task, draft, BOB);
        assertThat(other.allowed()).isTrue();
        assertThat(other.bypass()).isFalse();
        assertThat(other.refusal()).isNull();
        assertThat(lifecycle.approve(task, draft, BOB, "fine", null).status()).isEqualTo("APPROVED");

        // an admin who uploaded the version: allowed as a flagged bypass, which needs a reason
        int admins = fixture.upload(task, 2, ADMIN.name());
        lifecycle.submit(task, admins, ADMIN, null);
        ApprovalPreview bypass = lifecycle.approvalPreview(task, admins, ADMIN);
        assertThat(bypass.allowed()).isTrue();
        assertThat(bypass.bypass()).isTrue();
        assertThat(bypass.refusal()).isNull();
        refused(() -> lifecycle.approve(task, admins, ADMIN, null, null), 409, "bypass-needs-reason");
        assertThat(lifecycle.approve(task, admins, ADMIN, null, "on call alone").status()).isEqualTo("APPROVED");
        assertThat(only(task, "APPROVE", draft).adminBypass()).isFalse();
        assertThat(only(task, "APPROVE", admins).adminBypass()).isTrue();
    }
}

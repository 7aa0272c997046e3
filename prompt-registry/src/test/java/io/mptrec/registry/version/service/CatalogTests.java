package io.mptrec.registry.version.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.Catalog.Upload;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.PromptRegistry;
import io.mptrec.registry.api.VersionRef;
import io.mptrec.registry.api.Views.ApprovalView;
import io.mptrec.registry.api.Views.FieldDiff;
import io.mptrec.registry.api.Views.LabelView;
import io.mptrec.registry.api.Views.MetricDiff;
import io.mptrec.registry.api.Views.TaskView;
import io.mptrec.registry.api.Views.VersionDetail;
import io.mptrec.registry.api.Views.VersionDiff;
import io.mptrec.registry.api.Views.VersionSummary;
import io.mptrec.registry.testing.PostgresResource;
import io.mptrec.registry.testing.TestArtifacts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static io.mptrec.registry.version.service.Fixture.ALICE;
import static io.mptrec.registry.version.service.Fixture.BOB;
import static io.mptrec.registry.version.service.Fixture.CAROL;
import static io.mptrec.registry.version.service.Fixture.ENCODER;
import static io.mptrec.registry.version.service.Fixture.fresh;
import static io.mptrec.registry.version.service.Fixture.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

/**
 * The registry's published {@link Catalog}, as another module calls it (the interface injected, never its
 * implementation): tasks, versions, diffs, references and uploads. Each test works on a task of its own, and reads in
 * a transaction of its own ({@link Fixture#fresh}), as a module does.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class CatalogTests {

    @Inject
    Catalog catalog;
    @Inject
    Lifecycle lifecycle;
    @Inject
    PromptRegistry registry;
    @Inject
    Fixture fixture;

    @Test
    void shouldShowProductionAndLabelsAsReleasesAndLabelMovesLeaveThem() {
        String task = "catalog-task";
        int v1 = fixture.reviewed(task, 1);
        TaskView unreleased = fresh(() -> catalog.task(task));
        assertThat(unreleased.name()).isEqualTo(task);
        assertThat(unreleased.encoderSha256()).isEqualTo(ENCODER.contentSha256());
        assertThat(unreleased.production()).isNull();
        assertThat(unreleased.labels()).isEmpty();
        assertThat(unreleased.versions()).isEqualTo(1);

        lifecycle.release(task, v1, CAROL, null);
        int v2 = fixture.reviewed(task, 2);
        lifecycle.setLabel(task, "staging", v2, ALICE);
        TaskView released = fresh(() -> catalog.task(task));
        assertThat(released.production()).isEqualTo(v1);
        assertThat(released.versions()).isEqualTo(2);
        assertThat(released.labels()).extracting(LabelView::name, LabelView::version, LabelView::movedBy)
                .containsExactly(tuple(Lifecycle.PRODUCTION, v1, "carol"), tuple("staging", v2, "alice"));

        lifecycle.release(task, v2, CAROL, null);
        lifecycle.setLabel(task, "staging", v1, BOB);
        lifecycle.setLabel(task, "canary", v2, ALICE);
        lifecycle.removeLabel(task, "canary", ALICE);
        TaskView moved = fresh(() -> catalog.task(task));
        assertThat(moved.production()).isEqualTo(v2);
        assertThat(moved.labels()).extracting(LabelView::name, LabelView::version, LabelView::movedBy)
                .containsExactly(tuple(Lifecycle.PRODUCTION, v2, "carol"), tuple("staging", v1, "bob"));

        // tasks() holds the same view, by name
        assertThat(fresh(catalog::tasks)).filteredOn(t -> t.name().equals(task)).containsExactly(moved);
        assertThat(fresh(catalog::tasks)).extracting(TaskView::name).isSorted().doesNotHaveDuplicates();

        refused(() -> catalog.task("no-such-task"), 404, "not-found", "task");
    }

    @Test
    void shouldListTheVersionsOfATaskOldestFirst() {
        String task = "catalog-versions";
        int v1 = fixture.released(task, 1);
        int v2 = fixture.upload(task, 2, "alice");
        lifecycle.submit(task, v2, ALICE, null);
        int v3 = fixture.upload(task, 3, "bob");

        List<VersionSummary> versions = fresh(() -> catalog.versions(task));
        assertThat(versions).extracting(VersionSummary::number, VersionSummary::status, VersionSummary::author,
                        VersionSummary::labels)
                .containsExactly(
                        tuple(v1, "RELEASED", "alice", List.of(Lifecycle.PRODUCTION)),
                        tuple(v2, "IN_REVIEW", "alice", List.of()),
                        tuple(v3, "DRAFT", "bob", List.of()));
        assertThat(versions).allSatisfy(v -> assertThat(v.task()).isEqualTo(task));
        assertThat(versions.get(0).releasedAt()).isNotNull();
        assertThat(versions.subList(1, 3)).allSatisfy(v -> assertThat(v.releasedAt()).isNull());
        assertThat(versions).extracting(VersionSummary::createdAt).isSorted();

        refused(() -> catalog.versions("no-such-task"), 404, "not-found", "task");
    }

    @Test
    void shouldDetailAVersionWithItsApprovalsAndWhetherTheyStillHold() {
        String task = "catalog-detail";
        int approved = fixture.reviewed(task, 1);
        int rejected = fixture.upload(task, 2, "alice");
        lifecycle.submit(task, rejected, ALICE, null);
        lifecycle.reject(task, rejected, BOB, "the gate ignores the prompt");

        VersionDetail detail = fresh(() -> catalog.version(task, approved));
        assertThat(detail.task()).isEqualTo(task);
        assertThat(detail.number()).isEqualTo(approved);
        assertThat(detail.status()).isEqualTo("APPROVED");
        assertThat(detail.author()).isEqualTo("alice");
        assertThat(detail.contentSha256()).isEqualTo(TestArtifacts.prompt(ENCODER, task, 1).contentSha256());
        assertThat(detail.encoderSha256()).isEqualTo(ENCODER.contentSha256());
        assertThat(detail.stage()).isEqualTo(1);
        assertThat(detail.lineage().path("seed").asLong()).isEqualTo(1);
        assertThat(detail.metrics()).singleElement().satisfies(m -> {
            assertThat(m.task()).isEqualTo(task);
            assertThat(m.metric()).isEqualTo("auc");
            assertThat(m.value()).isCloseTo(0.81, within(1e-9));
        });
        assertThat(detail.approvals()).extracting(ApprovalView::decision, ApprovalView::reviewer,
                        ApprovalView::contentSha256, ApprovalView::encoderSha256, ApprovalView::adminBypass,
                        ApprovalView::valid)
                .containsExactly(
                        tuple("APPROVED", "bob", detail.contentSha256(), ENCODER.contentSha256(), false, true));
        assertThat(detail.approvals().get(0).decidedAt()).isNotNull();

        // Versions are immutable, so the approval is made to cover other content directly in the database.
        fixture.sql("UPDATE approval SET content_sha256 = ?1 WHERE prompt_version_id = ?2", "0".repeat(64),
                fixture.versionId(task, approved));
        assertThat(fresh(() -> catalog.version(task, approved)).approvals()).extracting(ApprovalView::valid)
                .containsExactly(false);

        assertThat(fresh(() -> catalog.version(task, rejected)).approvals())
                .extracting(ApprovalView::decision, ApprovalView::reviewer, ApprovalView::comment)
                .containsExactly(tuple("REJECTED", "bob", "the gate ignores the prompt"));
        assertThat(fresh(() -> catalog.version(task, rejected)).status()).isEqualTo("REJECTED");

        refused(() -> catalog.version(task, 99), 404, "not-found", "version");
        refused(() -> catalog.version("no-such-task", 1), 404, "not-found", "task");
    }

    @Test
    void shouldDiffTwoVersionsAsBMinusA() {
        String task = "catalog-diff";
        int a = fixture.upload(task, 1, "alice");
        int b = fixture.upload(task, 3, "alice");

        VersionDiff diff = fresh(() -> catalog.diff(task, a, b));
        assertThat(diff.a().number()).isEqualTo(a);
        assertThat(diff.b().number()).isEqualTo(b);
        assertThat(diff.metrics()).singleElement().satisfies(m -> {
            assertThat(m).extracting(MetricDiff::task, MetricDiff::split, MetricDiff::metric, MetricDiff::samplesA,
                    MetricDiff::samplesB).containsExactly(task, "test", "auc", 1000, 1000);
            assertThat(m.a()).isCloseTo(0.81, within(1e-9));
            assertThat(m.b()).isCloseTo(0.83, within(1e-9));
            assertThat(m.delta()).isEqualTo(m.b() - m.a()).isCloseTo(0.02, within(1e-9));
        });
        assertThat(fresh(() -> catalog.diff(task, b, a)).metrics()).singleElement()
                .satisfies(m -> assertThat(m.delta()).isCloseTo(-0.02, within(1e-9)));
        assertThat(diff.lineage()).extracting(FieldDiff::field).contains("seed", "datasetName")
                .doesNotContain("metrics");
        assertThat(diff.lineage()).filteredOn(f -> f.field().equals("seed")).singleElement()
                .satisfies(f -> {
                    assertThat(f.same()).isFalse();
                    assertThat(f.a().asLong()).isEqualTo(1);
                    assertThat(f.b().asLong()).isEqualTo(3);
                });
        assertThat(diff.lineage()).filteredOn(f -> f.field().equals("datasetName")).singleElement()
                .satisfies(f -> assertThat(f.same()).isTrue());
        // neither version has a contribution report
        assertThat(fresh(() -> catalog.report(task, a))).isEmpty();
        assertThat(fresh(() -> catalog.report(task, b))).isEmpty();
        assertThat(diff.reports()).isNull();

        // an unknown version is named by its side, as the API's path names the two: a, then b
        refused(() -> catalog.diff(task, a, 99), 404, "not-found", "b");
        refused(() -> catalog.diff(task, 99, b), 404, "not-found", "a");
        refused(() -> catalog.diff(task, 98, 99), 404, "not-found", "a");
        refused(() -> catalog.diff("no-such-task", a, b), 404, "not-found", "task");
    }

    @Test
    void shouldReferToAVersionByItsIdTaskAndHashes() {
        String task = "catalog-ref";
        int number = fixture.upload(task, 1, "alice");

        VersionRef ref = fresh(() -> catalog.ref(task, number));
        assertThat(ref.id()).isEqualTo(fixture.versionId(task, number));
        assertThat(ref.taskId()).isEqualTo(registry.servingStamp(task).taskId());
        assertThat(ref.task()).isEqualTo(task);
        assertThat(ref.number()).isEqualTo(number);
        assertThat(ref.contentSha256()).isEqualTo(TestArtifacts.prompt(ENCODER, task, 1).contentSha256())
                .isEqualTo(fresh(() -> catalog.version(task, number)).contentSha256());
        assertThat(ref.encoderSha256()).isEqualTo(ENCODER.contentSha256())
                .isEqualTo(fresh(() -> catalog.task(task)).encoderSha256());

        refused(() -> catalog.ref(task, 99), 404, "not-found", "version");
        refused(() -> catalog.ref("no-such-task", 1), 404, "not-found", "task");
    }

    @Test
    void shouldStoreAnUploadOnceAndRefuseAPromptItCannotServe() {
        String task = "catalog-upload";
        fixture.registerEncoder();
        ArtifactBundle prompt = TestArtifacts.prompt(ENCODER, task, 1);

        Upload first = catalog.upload(task, prompt, "alice");
        assertThat(first.created()).isTrue();
        assertThat(first.version()).extracting(VersionSummary::task, VersionSummary::number, VersionSummary::status,
                VersionSummary::author, VersionSummary::contentSha256)
                .containsExactly(task, 1, "DRAFT", "alice", prompt.contentSha256());
        Upload again = catalog.upload(task, prompt, "bob");
        assertThat(again.created()).isFalse();
        assertThat(again.version()).isEqualTo(first.version());
        Upload second = catalog.upload(task, TestArtifacts.prompt(ENCODER, task, 2), "alice");
        assertThat(second.created()).isTrue();
        assertThat(second.version().number()).isEqualTo(2);

        refused(() -> catalog.upload(task, TestArtifacts.prompt(ENCODER, "another-task", 3), "alice"), 400,
                "task-mismatch", "task");
        // trained for an encoder the registry does not hold
        ArtifactBundle unregistered = TestArtifacts.encoder(2);
        refused(() -> catalog.upload(task, TestArtifacts.prompt(unregistered, task, 4), "alice"), 400,
                "unknown-encoder", "body");
        refused(() -> catalog.upload("catalog-upload-new", TestArtifacts.prompt(unregistered, "catalog-upload-new", 1),
                "alice"), 400, "unknown-encoder", "body");

        // text the registry would store with a control character in it, or a negative count: named by its path
        refused(() -> catalog.upload(task, edited(prompt, m -> lineage(m).put("codeVersion", "a\u0000b")), "alice"),
                400, "invalid-text", "manifest.metadata.lineage.codeVersion");
        refused(() -> catalog.upload(task, edited(prompt, m -> m.put("task", "catalog\u0001upload")), "alice"), 400,
                "invalid-text", "manifest.metadata.task");
        refused(() -> catalog.upload(task, edited(prompt, m -> ((ObjectNode) lineage(m).get("metrics").get(0))
                .put("samples", -5)), "alice"), 400, "invalid-count", "manifest.metadata.lineage.metrics[0].samples");
        refused(() -> catalog.upload(task, edited(prompt, m -> lineage(m).put("bestEpoch", -1)), "alice"), 400,
                "invalid-count", "manifest.metadata.lineage.bestEpoch");

        // a refused upload stores nothing: no version, no task, no audit entry
        assertThat(fresh(() -> catalog.versions(task))).extracting(VersionSummary::number).containsExactly(1, 2);
        assertThat(fixture.audit(task, "UPLOAD")).extracting(e -> e.version()).containsExactly(1, 2);
        refused(() -> catalog.task("catalog-upload-new"), 404, "not-found", "task");
    }

    private static ObjectNode lineage(ObjectNode metadata) {
        return (ObjectNode) metadata.get("lineage");
    }

    /** The prompt with its metadata changed as a client may change it, its content hash recomputed. */
    private static ArtifactBundle edited(ArtifactBundle prompt, Consumer<ObjectNode> change) {
        ObjectNode metadata = prompt.metadata().deepCopy();
        change.accept(metadata);
        return ArtifactBundle.of(TaskPromptArtifact.KIND, metadata, prompt.arrays());
    }
}

package io.mptrec.registry.version.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.registry.api.AuditFilter;
import io.mptrec.registry.api.AuditTrail;
import io.mptrec.registry.api.AuditTrail.Export;
import io.mptrec.registry.api.AuditView;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.mptrec.registry.version.service.Fixture.ALICE;
import static io.mptrec.registry.version.service.Fixture.BOB;
import static io.mptrec.registry.version.service.Fixture.CAROL;
import static io.mptrec.registry.version.service.Fixture.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The registry's published {@link AuditTrail}, as another module reads it (the interface injected, never its
 * implementation): filters, paging, the actions present and the exports. Each test works on a task of its own; the
 * log is shared by every test, so only {@link AuditTrail#actions()} is compared with the whole log.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class AuditTrailTests {

    @Inject
    AuditTrail audit;
    @Inject
    Lifecycle lifecycle;
    @Inject
    Fixture fixture;
    @Inject
    ObjectMapper mapper;

    @Test
    void shouldFindALifecycleWalkByItsFiltersAndPageThroughIt() {
        String task = "audit-walk";
        int v1 = fixture.released(task, 1);
        int v2 = fixture.reviewed(task, 2);
        lifecycle.release(task, v2, CAROL, null);
        lifecycle.rollback(task, null, CAROL, "conversion dropped");

        AuditFilter byTask = new AuditFilter(task, null, null, null, null);
        List<AuditView> all = audit.all(byTask);
        assertThat(all).extracting(AuditView::action).containsExactly("UPLOAD", "SUBMIT", "APPROVE", "RELEASE",
                "MOVE_LABEL", "UPLOAD", "SUBMIT", "APPROVE", "RETIRE", "RELEASE", "MOVE_LABEL", "ROLLBACK",
                "REINSTATE", "MOVE_LABEL");
        assertThat(all).allSatisfy(e -> assertThat(e.task()).isEqualTo(task));
        assertThat(all).isSortedAccordingTo(Comparator.comparing(AuditView::at).thenComparing(AuditView::id));
        assertThat(audit.count(byTask)).isEqualTo(all.size());

        AuditFilter releases = new AuditFilter(task, null, "RELEASE", null, null);
        assertThat(audit.all(releases)).extracting(AuditView::version, AuditView::actor, AuditView::before,
                AuditView::after).containsExactly(tuple(v1, "carol", "APPROVED", "RELEASED"),
                tuple(v2, "carol", "APPROVED", "RELEASED"));
        assertThat(audit.count(releases)).isEqualTo(2);
        AuditFilter bobs = new AuditFilter(task, "bob", null, null, null);
        assertThat(audit.all(bobs)).extracting(AuditView::action, AuditView::version)
                .containsExactly(tuple("APPROVE", v1), tuple("APPROVE", v2));
        assertThat(audit.all(new AuditFilter(task, null, "ROLLBACK", null, null))).extracting(AuditView::reason)
                .containsExactly("conversion dropped");
        // filters that select nothing: an action the task never saw, a task the registry does not hold
        assertThat(audit.all(new AuditFilter(task, null, "REJECT", null, null))).isEmpty();
        assertThat(audit.count(new AuditFilter("audit-no-such-task", null, null, null, null))).isZero();

        // pages of 5: 5, 5, 4, then nothing; together the whole selection, in order
        List<AuditView> paged = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            paged.addAll(audit.page(byTask, page, 5));
        }
        assertThat(paged).isEqualTo(all);
        assertThat(audit.page(byTask, 2, 5)).hasSize(4);
        assertThat(audit.page(byTask, 3, 5)).isEmpty();
        assertThat(audit.page(releases, 0, 500)).isEqualTo(audit.all(releases));

        // a time window is [from, to)
        Instant from = all.get(3).at();
        Instant to = all.get(10).at();
        AuditFilter window = new AuditFilter(task, null, null, from, to);
        List<AuditView> expected = all.stream().filter(e -> !e.at().isBefore(from) && e.at().isBefore(to)).toList();
        assertThat(audit.all(window)).isEqualTo(expected).isNotEmpty();
        assertThat(audit.count(window)).isEqualTo(expected.size());
    }

    @Test
    void shouldListEveryActionTheLogHoldsOnceAndSorted() {
        String task = "audit-actions";
        int v1 = fixture.upload(task, 1, "alice");
        lifecycle.submit(task, v1, ALICE, null);
        lifecycle.reject(task, v1, BOB, "no");

        List<String> actions = audit.actions();
        assertThat(actions).contains("REGISTER_ENCODER", "UPLOAD", "SUBMIT", "REJECT");
        assertThat(actions).isEqualTo(audit.all(new AuditFilter(null, null, null, null, null)).stream()
                .map(AuditView::action).distinct().sorted().toList());
    }

    @Test
    void shouldExportTheSelectedEntriesAsCsvOrJson() throws Exception {
        String task = "audit-export";
        int v1 = fixture.upload(task, 1, "alice");
        lifecycle.submit(task, v1, ALICE, null);
        // a cell a spreadsheet would run as a formula, with a comma and quotes
        lifecycle.reject(task, v1, BOB, "=HYPERLINK(\"x\"), no");
        AuditFilter filter = new AuditFilter(task, null, null, null, null);
        List<AuditView> entries = audit.all(filter);
        assertThat(entries).extracting(AuditView::action).containsExactly("UPLOAD", "SUBMIT", "REJECT");

        Export csv = audit.export(filter, "csv");
        assertThat(csv.mediaType()).isEqualTo("text/csv");
        assertThat(csv.fileName()).isEqualTo("audit.csv");
        assertThat(csv.body()).endsWith("\r\n");
        assertThat(csv.body().split("\r\n")).containsExactly(
                "id,at,actor,action,task,version,before,after,reason,adminBypass",
                entries.get(0).id() + "," + entries.get(0).at() + ",alice,UPLOAD," + task + ",1,,DRAFT,,false",
                entries.get(1).id() + "," + entries.get(1).at() + ",alice,SUBMIT," + task + ",1,DRAFT,IN_REVIEW,,false",
                entries.get(2).id() + "," + entries.get(2).at() + ",bob,REJECT," + task
                        + ",1,IN_REVIEW,REJECTED,\"'=HYPERLINK(\"\"x\"\"), no\",false");
        assertThat(audit.export(filter, null)).as("csv is the default").isEqualTo(csv);

        Export json = audit.export(filter, "json");
        assertThat(json.mediaType()).isEqualTo("application/json");
        assertThat(json.fileName()).isEqualTo("audit.json");
        assertThat(mapper.readValue(json.body(), new TypeReference<List<AuditView>>() {
        })).isEqualTo(entries);

        Export none = audit.export(new AuditFilter(task, null, "RELEASE", null, null), "json");
        assertThat(mapper.readTree(none.body()).isEmpty()).isTrue();

        refused(() -> audit.export(filter, "xml"), 400, "invalid-format", "format");
    }

    @Test
    void shouldRefuseAFilterTheLogCouldNeverHold() {
        refused(() -> new AuditFilter("audit\u0000", null, null, null, null), 400, "invalid-text", "task");
        refused(() -> new AuditFilter(null, "bob\u007f", null, null, null), 400, "invalid-text", "actor");
        refused(() -> new AuditFilter(null, null, "RELEASE\n", null, null), 400, "invalid-text", "action");
        refused(() -> new AuditFilter("a".repeat(201), null, null, null, null), 400, "invalid-input", "task");
        // an action the log can never hold: not one of AuditAction, or not spelt as the log spells it
        refused(() -> new AuditFilter(null, null, "NOPE", null, null), 400, "invalid-action", "action");
        refused(() -> new AuditFilter(null, null, "release", null, null), 400, "invalid-action", "action");
        assertThat(Fixture.problem(() -> new AuditFilter(null, null, "NOPE", null, null), 400, "invalid-action")
                .detail()).startsWith("action must be one of REGISTER_ENCODER, UPLOAD, ").doesNotContain("NOPE");
    }

    @Test
    void shouldRefuseAPageWhoseFirstRowNoQueryCanAddress() {
        AuditFilter any = new AuditFilter(null, null, null, null, null);
        // page x size past 2^31 - 1 overflowed the first row's index (a 500); the last page that fits is empty
        refused(() -> audit.page(any, 4_294_968, 500), 400, "invalid-paging", "page");
        refused(() -> audit.page(any, 1_073_741_824, 2), 400, "invalid-paging", "page");
        refused(() -> audit.page(any, -1, 50), 400, "invalid-paging", "page");
        refused(() -> audit.page(any, 0, 0), 400, "invalid-paging", "size");
        refused(() -> audit.page(any, 0, 501), 400, "invalid-paging", "size");
        assertThat(audit.page(any, 4_294_967, 500)).isEmpty();
        assertThat(audit.page(any, Integer.MAX_VALUE, 1)).isEmpty();
    }
}

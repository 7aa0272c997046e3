package io.mptrec.registry.version.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.problem.Problem;
import io.mptrec.kernel.security.Actor;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.api.AuditView;
import io.mptrec.registry.api.AuditFilter;
import io.mptrec.registry.audit.service.AuditService;
import io.mptrec.registry.encoder.service.EncoderService;
import io.mptrec.registry.events.OutboxEvent;
import io.mptrec.registry.version.Label;
import io.mptrec.registry.version.Task;
import io.mptrec.registry.testing.TestArtifacts;
import io.mptrec.registry.version.PromptVersion;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** What the registry's service tests share: the actors, versions brought to a status, reads in a transaction of their own. */
@ApplicationScoped
public class Fixture {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final Actor ALICE = new Actor("alice", false);
    static final Actor BOB = new Actor("bob", false);
    static final Actor CAROL = new Actor("carol", false);
    static final Actor ADMIN = new Actor("admin", true);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EncoderService encoders;
    @Inject
    VersionService versions;
    @Inject
    LifecycleService lifecycle;
    @Inject
    AuditService audit;

    /** Registers {@link #ENCODER} (a no-op when it already is): what every task of these tests runs on. */
    void registerEncoder() {
        encoders.registerEncoder(ENCODER, "alice");
    }

    /** A new DRAFT version of the task (the encoder registered first; identical calls are no-ops). */
    int upload(String task, long seed, String author) {
        registerEncoder();
        return versions.uploadVersion(task, TestArtifacts.prompt(ENCODER, task, seed), author).version().number;
    }

    /** Uploaded by alice, submitted, approved by bob. */
    int reviewed(String task, long seed) {
        int number = upload(task, seed, "alice");
        lifecycle.submit(task, number, ALICE, null);
        lifecycle.approve(task, number, BOB, null, null);
        return number;
    }

    /** Reviewed as above, then released by carol: the task's production version. */
    int released(String task, long seed) {
        int number = reviewed(task, seed);
        lifecycle.release(task, number, CAROL, null);
        return number;
    }

    VersionStatus status(String task, int number) {
        return QuarkusTransaction.requiringNew().call(() -> version(task, number).status);
    }

    long versionId(String task, int number) {
        return QuarkusTransaction.requiringNew().call(() -> version(task, number).id);
    }

    /**
     * A read in a transaction of its own, as another module's request or transaction reads: a test method runs in one
     * request context, whose persistence context would answer a later read with the entities an earlier one loaded.
     */
    static <T> T fresh(Callable<T> read) {
        return QuarkusTransaction.requiringNew().call(read);
    }

    /** Runs SQL in a transaction of its own: for states the service never makes (versions are immutable). */
    void sql(String statement, Object... parameters) {
        QuarkusTransaction.requiringNew().run(() -> {
            var query = PromptVersion.getEntityManager().createNativeQuery(statement);
            for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
            }
            query.executeUpdate();
        });
    }

    int production(String task) {
        return QuarkusTransaction.requiringNew().call(() -> Label.findByTaskAndName(
                Task.findByName(task).orElseThrow(), Label.PRODUCTION).orElseThrow().version.number);
    }

    List<AuditView> audit(String task, String action) {
        return QuarkusTransaction.requiringNew().call(() -> audit.all(new AuditFilter(task, null, action, null, null)));
    }

    List<String> outboxTypes(String task) {
        return QuarkusTransaction.requiringNew().call(() -> OutboxEvent.<OutboxEvent>list("task", task).stream()
                .map(e -> e.type).toList());
    }

    /** The webhook payloads of the task's outbox events of this type, oldest first, as a receiver reads them. */
    List<JsonNode> outboxPayloads(String task, String type) {
        return QuarkusTransaction.requiringNew().call(() -> OutboxEvent.<OutboxEvent>list(
                "task = ?1 and type = ?2 order by id", task, type).stream().map(e -> json(e.payload)).toList());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an outbox payload is not JSON: " + text, e);
        }
    }

    private static PromptVersion version(String task, int number) {
        return PromptVersion.findByTaskAndNumber(Task.findByName(task).orElseThrow(), number).orElseThrow();
    }

    /** The call is refused with this status and problem type ({@code /problems/<slug>}). */
    static void refused(ThrowingCallable call, int status, String slug) {
        problem(call, status, slug);
    }

    /** As {@link #refused(ThrowingCallable, int, String)}, and the problem names this input field. */
    static void refused(ThrowingCallable call, int status, String slug, String field) {
        Problem problem = problem(call, status, slug);
        assertThat(problem.field()).as(problem.detail()).isEqualTo(field);
    }

    /** The problem the call is refused with, checked for its status and type. */
    static Problem problem(ThrowingCallable call, int status, String slug) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(ApiException.class);
        Problem problem = ((ApiException) thrown).problem();
        assertThat(problem.status()).as(problem.detail()).isEqualTo(status);
        assertThat(problem.type()).as(problem.detail()).isEqualTo("/problems/" + slug);
        return problem;
    }
}

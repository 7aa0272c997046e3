package io.mptrec.registry.version.service;

import io.mptrec.kernel.audit.AuditAction;
import io.mptrec.kernel.audit.Change;
import io.mptrec.kernel.audit.Ledger;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.encoder.RegisteredEncoder;
import io.mptrec.registry.encoder.service.EncoderService;
import io.mptrec.registry.encoder.service.StoredJson;
import io.mptrec.registry.version.Task;
import io.mptrec.registry.version.PromptVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Uploads and reads task prompt versions. Lifecycle transitions live in {@link LifecycleService}. */
@ApplicationScoped
@Transactional
public class VersionService {

    private final Clock clock;
    private final EncoderService encoders;
    private final Ledger ledger;

    public VersionService(Clock clock, EncoderService encoders, Ledger ledger) {
        this.clock = clock;
        this.encoders = encoders;
        this.ledger = ledger;
    }

    public record Upload(PromptVersion version, boolean created) {
    }

    /**
     * Stores a verified task prompt as the task's next DRAFT version. Refuses (400) a manifest the registry would not
     * store ({@link StoredJson}), a prompt for another task, for an unregistered encoder, or whose shapes do not fit
     * its encoder; identical content returns the existing version.
     */
    public Upload uploadVersion(String taskName, ArtifactBundle bundle, String actor) {
        StoredJson.requireNoControl(bundle.manifest(), "manifest");
        TaskPromptArtifact prompt = TaskPromptArtifact.from(bundle);
        StoredJson.requireCounts(prompt.metadata().lineage(), "manifest.metadata.lineage");
        StoredJson.requireCounts(prompt.metadata().nonInterference(), "manifest.metadata.nonInterference");
        Names.requireName(prompt.task(), "manifest.metadata.task");
        if (!taskName.equals(prompt.task())) {
            throw ApiException.badRequest("task-mismatch", "the artifact is a prompt for task '" + prompt.task()
                    + "', uploaded to task '" + taskName + "'", "task");
        }
        String encoderHash = prompt.metadata().encoderSha256();
        RegisteredEncoder encoder = encoders.findEncoderByHash(encoderHash).orElseThrow(() -> ApiException.badRequest(
                "unknown-encoder", "the prompt was trained against encoder " + encoderHash
                        + ", which is not registered; register it first", "body"));
        prompt.checkFits(encoders.parsedEncoder(encoder));

        Instant now = clock.instant();
        Task task = Task.findByName(taskName).orElseGet(() -> {
            Task created = new Task();
            created.name = taskName;
            created.encoder = encoder;
            created.createdAt = now;
            created.updatedAt = now;
            created.persist();
            return created;
        });
        if (!task.encoder.contentSha256.equals(encoderHash)) {
            throw ApiException.conflict("encoder-mismatch", "task '" + taskName + "' belongs to encoder "
                    + task.encoder.contentSha256 + "; this prompt was trained against " + encoderHash);
        }
        Optional<PromptVersion> existing = PromptVersion.findByTaskAndHash(task, bundle.contentSha256());
        if (existing.isPresent()) {
            return new Upload(existing.get(), false);
        }
        PromptVersion version = new PromptVersion();
        version.task = task;
        version.number = PromptVersion.nextNumber(task);
        version.contentSha256 = bundle.contentSha256();
        version.encoderSha256 = encoderHash;
        version.status = VersionStatus.DRAFT;
        version.author = actor;
        version.createdAt = now;
        version.manifest = bundle.manifest().toString();
        version.artifact = bundle.toZip();
        version.persist();
        ledger.record(Change.of(actor, AuditAction.UPLOAD, taskName).version(version.number)
                .to(VersionStatus.DRAFT.name()));
        // Flush here, so a concurrent upload that took the same number surfaces as 409 from this call.
        PromptVersion.flush();
        return new Upload(version, true);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Task findTask(String taskName) {
        return Task.findByName(taskName)
                .orElseThrow(() -> ApiException.notFound("no task named '" + taskName + "'", "task"));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Task> findAllTasks() {
        return Task.listAllOrdered();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public PromptVersion findVersion(String taskName, int number) {
        return findVersion(taskName, number, "version");
    }

    /** The version, an unknown one refused naming {@code field}: the request's field that named it. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public PromptVersion findVersion(String taskName, int number, String field) {
        Task task = findTask(taskName);
        return PromptVersion.findByTaskAndNumber(task, number).orElseThrow(() -> ApiException.notFound(
                "task '" + taskName + "' has no version " + number, field));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<PromptVersion> findAllVersions(String taskName) {
        return PromptVersion.listByTask(findTask(taskName));
    }
}

package io.mptrec.registry.version.service;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.registry.encoder.service.EncoderService;
import io.mptrec.registry.version.mapping.VersionMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.mptrec.registry.api.LiveTrafficDecision;
import io.mptrec.registry.api.PromptRegistry;
import io.mptrec.registry.api.ServedVersion;
import io.mptrec.registry.api.ServingStamp;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.version.Label;
import io.mptrec.registry.version.Task;
import io.mptrec.registry.version.PromptVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The registry's published entry point ({@link PromptRegistry}). The serving stamp is the task row's
 * {@code row_version}: every pointer move bumps it ({@code LifecycleService}), and so does every caller of
 * {@link #servingChanged}; an UPDATE of one row is ordered by its lock, so a reader that sees the old value has not
 * missed a committed change.
 */
@ApplicationScoped
public class PromptRegistryService implements PromptRegistry {

    private static final String STAMP = "SELECT id, row_version FROM task WHERE name = ?";

    private final DataSource dataSource;
    private final EncoderService encoders;

    public PromptRegistryService(DataSource dataSource, EncoderService encoders) {
        this.dataSource = dataSource;
        this.encoders = encoders;
    }

    @Override
    public LiveTrafficDecision liveTraffic(long versionId) {
        PromptVersion v = PromptVersion.<PromptVersion>findByIdOptional(versionId)
                .orElseThrow(() -> ApiException.notFound("no version with id " + versionId, "version"));
        return decide(v);
    }

    /**
     * The rule: APPROVED (reviewed, release would make it production), RELEASED (production now), RETIRED with a
     * release time (it was production before: the version a rollback returns to). Never DRAFT or IN_REVIEW (not
     * reviewed), REJECTED (reviewed and refused) or ROLLED_BACK (taken out of production; rollback never returns to it).
     */
    static LiveTrafficDecision decide(PromptVersion v) {
        boolean allowed = switch (v.status) {
            case APPROVED, RELEASED -> true;
            case RETIRED -> v.releasedAt != null;
            default -> false;
        };
        String what = "version " + v.number + " of task '" + v.task.name + "' is " + v.status
                + (v.status == VersionStatus.RETIRED && allowed ? " (production before)" : "");
        return new LiveTrafficDecision(v.id, v.task.name, v.number, v.status, allowed,
                what + (allowed ? ": it may take live traffic" : ": " + LIVE_TRAFFIC_RULE));
    }

    @Override
    public ServingStamp servingStamp(String task) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(STAMP)) {
            s.setString(1, task);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw ApiException.notFound("no task named '" + task + "'", "task");
                }
                return new ServingStamp(r.getLong(1), r.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the serving stamp of task '" + task + "'", e);
        }
    }

    @Override
    public Optional<ServedVersion> production(long taskId) {
        List<Object[]> rows = Label.getEntityManager().createQuery(
                        "select v.id, v.number, v.contentSha256, v.encoderSha256 from Label l join l.version v "
                                + "where l.task.id = ?1 and l.name = ?2", Object[].class)
                .setParameter(1, taskId).setParameter(2, Label.PRODUCTION).getResultList();
        return rows.stream().findFirst().map(r -> new ServedVersion((Long) r[0], (Integer) r[1], (String) r[2],
                (String) r[3]));
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public void servingChanged(String task) {
        Task t = Task.findByName(task).orElseThrow(() -> ApiException.notFound("no task named '" + task + "'", "task"));
        Task.getEntityManager().lock(t, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
    }

    @Override
    public Servable servable(long versionId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            PromptVersion v = PromptVersion.<PromptVersion>findByIdOptional(versionId)
                    .orElseThrow(() -> ApiException.notFound("no version with id " + versionId, "version"));
            TaskPromptArtifact prompt = TaskPromptArtifact.from(
                    ArtifactBundle.fromZip(v.artifact, "task prompt " + v.task.name + " v" + v.number));
            return new Servable(VersionMapper.toRef(v), encoders.parsedEncoder(v.task.encoder), prompt);
        });
    }
}

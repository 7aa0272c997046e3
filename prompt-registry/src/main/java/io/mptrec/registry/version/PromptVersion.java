package io.mptrec.registry.version;

import io.mptrec.registry.api.VersionStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One immutable task prompt, numbered per task. Only its status (and release time) ever change. */
@Entity
@Table(name = "prompt_version")
public class PromptVersion extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "task_id", nullable = false, updatable = false)
    public Task task;

    @Column(nullable = false, updatable = false)
    public int number;

    @Column(name = "content_sha256", nullable = false, updatable = false)
    public String contentSha256;

    @Column(name = "encoder_sha256", nullable = false, updatable = false)
    public String encoderSha256;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public VersionStatus status;

    @Column(nullable = false, updatable = false)
    public String author;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "released_at")
    public Instant releasedAt;

    @Column(nullable = false, updatable = false)
    public String manifest;

    @Basic(fetch = FetchType.LAZY)
    @Column(nullable = false, updatable = false)
    public byte[] artifact;

    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    public static Optional<PromptVersion> findByTaskAndNumber(Task task, int number) {
        return find("task = ?1 and number = ?2", task, number).firstResultOptional();
    }

    public static Optional<PromptVersion> findByTaskAndHash(Task task, String contentSha256) {
        return find("task = ?1 and contentSha256 = ?2", task, contentSha256).firstResultOptional();
    }

    public static List<PromptVersion> listByTask(Task task) {
        return list("task = ?1 order by number", task);
    }

    public static int nextNumber(Task task) {
        Integer max = getEntityManager()
                .createQuery("select max(v.number) from PromptVersion v where v.task = ?1", Integer.class)
                .setParameter(1, task).getSingleResult();
        return max == null ? 1 : max + 1;
    }

    /** The version production held before the current one: the most recently released of the retired ones. */
    public static Optional<PromptVersion> findPreviouslyReleased(Task task) {
        return find("task = ?1 and status = ?2 and releasedAt is not null order by releasedAt desc, number desc",
                task, VersionStatus.RETIRED).firstResultOptional();
    }
}

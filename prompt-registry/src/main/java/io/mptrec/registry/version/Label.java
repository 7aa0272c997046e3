package io.mptrec.registry.version;

import io.mptrec.registry.api.Lifecycle;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A movable name on a version of a task; {@code production} is the protected one. Unique per (task, name). */
@Entity
@Table(name = "label")
public class Label extends PanacheEntityBase {

    public static final String PRODUCTION = Lifecycle.PRODUCTION;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "task_id", nullable = false, updatable = false)
    public Task task;

    @Column(nullable = false, updatable = false)
    public String name;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "prompt_version_id", nullable = false)
    public PromptVersion version;

    @Column(name = "moved_by", nullable = false)
    public String movedBy;

    @Column(name = "moved_at", nullable = false)
    public Instant movedAt;

    public static Optional<Label> findByTaskAndName(Task task, String name) {
        return find("task = ?1 and name = ?2", task, name).firstResultOptional();
    }

    public static List<Label> listByTask(Task task) {
        return list("task = ?1 order by name", task);
    }

    public static List<Label> listByVersion(PromptVersion version) {
        return list("version = ?1 order by name", version);
    }
}

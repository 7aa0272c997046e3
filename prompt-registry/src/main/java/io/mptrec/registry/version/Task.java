package io.mptrec.registry.version;

import io.mptrec.registry.encoder.RegisteredEncoder;
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
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A prediction target on one encoder. Every pointer move touches the task row, so its optimistic lock
 * serialises releases, rollbacks and label moves of one task: of two concurrent moves one commits, one gets 409.
 */
@Entity
@Table(name = "task")
public class Task extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "encoder_id", nullable = false, updatable = false)
    public RegisteredEncoder encoder;

    @Column(nullable = false, updatable = false)
    public String name;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    public static Optional<Task> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    public static List<Task> listAllOrdered() {
        return list("order by name");
    }
}

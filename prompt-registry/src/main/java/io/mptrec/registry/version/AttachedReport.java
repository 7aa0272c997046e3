package io.mptrec.registry.version;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OneToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/** The contribution report attached to one task prompt version; immutable once attached. */
@Entity
@Table(name = "contribution_report")
public class AttachedReport extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @OneToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "version_id", nullable = false, updatable = false)
    public PromptVersion version;

    @Column(nullable = false, updatable = false)
    public String report;

    @Column(name = "report_sha256", nullable = false, updatable = false)
    public String reportSha256;

    @Column(name = "attached_by", nullable = false, updatable = false)
    public String attachedBy;

    @Column(name = "attached_at", nullable = false, updatable = false)
    public Instant attachedAt;

    public static Optional<AttachedReport> findByVersion(PromptVersion version) {
        return find("version", version).firstResultOptional();
    }
}

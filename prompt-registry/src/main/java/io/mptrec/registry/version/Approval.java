package io.mptrec.registry.version;

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

/** A review decision; records what it covered (content and target encoder), so a later change voids it. */
@Entity
@Table(name = "approval")
public class Approval extends PanacheEntityBase {

    public static final String APPROVED = "APPROVED";
    public static final String REJECTED = "REJECTED";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "prompt_version_id", nullable = false, updatable = false)
    public PromptVersion version;

    @Column(nullable = false, updatable = false)
    public String decision;

    @Column(nullable = false, updatable = false)
    public String reviewer;

    @Column(updatable = false)
    public String comment;

    @Column(name = "content_sha256", nullable = false, updatable = false)
    public String contentSha256;

    @Column(name = "encoder_sha256", nullable = false, updatable = false)
    public String encoderSha256;

    @Column(name = "admin_bypass", nullable = false, updatable = false)
    public boolean adminBypass;

    @Column(name = "decided_at", nullable = false, updatable = false)
    public Instant decidedAt;

    public static List<Approval> listByVersion(PromptVersion version) {
        return list("version = ?1 order by decidedAt, id", version);
    }

    public static Optional<Approval> findLatestApproval(PromptVersion version) {
        return find("version = ?1 and decision = ?2 order by decidedAt desc, id desc", version, APPROVED)
                .firstResultOptional();
    }

    /** Void when the version's content or its target encoder is no longer what was approved. */
    public boolean covers(PromptVersion current, String targetEncoderSha256) {
        return contentSha256.equals(current.contentSha256) && encoderSha256.equals(targetEncoderSha256);
    }
}

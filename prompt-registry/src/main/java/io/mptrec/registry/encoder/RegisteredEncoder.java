package io.mptrec.registry.encoder;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A registered encoder artifact, immutable once stored; identified by its content hash. */
@Entity
@Table(name = "encoder")
public class RegisteredEncoder extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "content_sha256", nullable = false, updatable = false)
    public String contentSha256;

    @Column(nullable = false, updatable = false)
    public String manifest;

    /** The verified zip; loaded only when asked for (lists never need it). */
    @Basic(fetch = FetchType.LAZY)
    @Column(nullable = false, updatable = false)
    public byte[] artifact;

    @Column(name = "registered_by", nullable = false, updatable = false)
    public String registeredBy;

    @Column(name = "registered_at", nullable = false, updatable = false)
    public Instant registeredAt;

    public static Optional<RegisteredEncoder> findByHash(String contentSha256) {
        return find("contentSha256", contentSha256).firstResultOptional();
    }

    public static List<RegisteredEncoder> listAllOrdered() {
        return list("order by registeredAt, id");
    }
}

package io.mptrec.registry.audit;

import io.mptrec.registry.api.AuditView;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One line of the append-only audit log: every column is insert-only, and no code path updates or deletes a row. */
@Entity
@Table(name = "audit_log")
public class AuditEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "occurred_at", nullable = false, updatable = false)
    public Instant occurredAt;

    @Column(nullable = false, updatable = false)
    public String actor;

    @Column(nullable = false, updatable = false)
    public String action;

    @Column(updatable = false)
    public String task;

    @Column(name = "version_number", updatable = false)
    public Integer versionNumber;

    @Column(name = "before_state", updatable = false)
    public String before;

    @Column(name = "after_state", updatable = false)
    public String after;

    @Column(updatable = false)
    public String reason;

    @Column(name = "admin_bypass", nullable = false, updatable = false)
    public boolean adminBypass;

    public AuditView view() {
        return new AuditView(id, occurredAt, actor, action, task, versionNumber, before, after, reason, adminBypass);
    }
}

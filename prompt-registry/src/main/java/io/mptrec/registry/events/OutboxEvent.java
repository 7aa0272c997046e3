package io.mptrec.registry.events;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A registry event, written in the transaction of the change it announces (transactional outbox). */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "event_type", nullable = false, updatable = false)
    public String type;

    @Column(updatable = false)
    public String task;

    @Column(name = "version_number", updatable = false)
    public Integer versionNumber;

    @Column(nullable = false, updatable = false)
    public String payload;
}

package io.mptrec.ab.serving;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One scored request, insert-only. {@code experimentId} and {@code arm} are null when the request was not part of
 * a running experiment (no experiment, outside the ramp, or control served while the experiment was paused).
 */
@Entity
@Table(name = "exposure")
public class Exposure extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "request_id", nullable = false, updatable = false)
    public String requestId;

    @Column(name = "task_id", nullable = false, updatable = false)
    public Long taskId;

    @Column(name = "experiment_id", updatable = false)
    public Long experimentId;

    @Column(updatable = false)
    public String arm;

    @Column(name = "unit_id", nullable = false, updatable = false)
    public String unitId;

    @Column(name = "prompt_version_id", nullable = false, updatable = false)
    public Long promptVersionId;

    @Column(name = "scored_at", nullable = false, updatable = false)
    public Instant scoredAt;

    @Column(nullable = false, updatable = false)
    public int candidates;

    @Column(name = "score_first", nullable = false, updatable = false)
    public double scoreFirst;

    @Column(name = "score_mean", nullable = false, updatable = false)
    public double scoreMean;

    @Column(name = "score_max", nullable = false, updatable = false)
    public double scoreMax;

    public static long countByExperiment(long experimentId) {
        return count("experimentId", experimentId);
    }
}

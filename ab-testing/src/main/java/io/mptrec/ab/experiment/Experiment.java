package io.mptrec.ab.experiment;

import io.mptrec.ab.assignment.Allocation;
import io.mptrec.ab.assignment.Arm;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An A/B test between task prompt versions of one task. Arms, salt and hash version are fixed at creation (changing
 * them would move units: that is a new experiment); status and ramp change, each under the optimistic lock.
 */
@Entity
@Table(name = "experiment")
public class Experiment extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, updatable = false)
    public String name;

    /** The task's id and name in the registry, copied at creation (a task's name never changes). */
    @Column(name = "task_id", nullable = false, updatable = false)
    public long taskId;

    @Column(name = "task_name", nullable = false, updatable = false)
    public String taskName;

    @Column(nullable = false, updatable = false)
    public String salt;

    @Column(name = "hash_version", nullable = false, updatable = false)
    public int hashVersion;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ExperimentStatus status;

    @Column(nullable = false)
    public double ramp;

    @Column(nullable = false, updatable = false)
    public double alpha;

    @Column(name = "planned_per_arm", nullable = false, updatable = false)
    public long plannedPerArm;

    @Column(name = "created_by", nullable = false, updatable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "stopped_at")
    public Instant stoppedAt;

    @Column(name = "status_reason")
    public String statusReason;

    /**
     * An admin started (or resumed, or widened) it although an arm's version may not take live traffic: audited with
     * the admin's reason. Cleared by the next start or resume without a bypass, and when a served version is withdrawn.
     */
    @Column(name = "live_traffic_bypass", nullable = false)
    public boolean liveTrafficBypass;

    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    @ElementCollection(fetch = FetchType.LAZY)
    @CollectionTable(name = "experiment_arm", joinColumns = @JoinColumn(name = "experiment_id"))
    @OrderColumn(name = "position")
    public List<ExperimentArm> arms = new ArrayList<>();

    @ElementCollection(fetch = FetchType.LAZY)
    @CollectionTable(name = "experiment_metric", joinColumns = @JoinColumn(name = "experiment_id"))
    @OrderColumn(name = "position")
    public List<ExperimentMetric> metrics = new ArrayList<>();

    /** The assignment input (validated by {@link Allocation}). */
    public Allocation allocation() {
        return new Allocation(salt, hashVersion, arms.stream().map(a -> new Arm(a.name, a.weight)).toList(), ramp);
    }

    public ExperimentArm control() {
        return arms.get(0);
    }

    public List<ExperimentMetric> metrics(MetricRole role) {
        return metrics.stream().filter(m -> m.role == role).toList();
    }

    public static Optional<Experiment> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    /** The experiment that routes the task's traffic now (RUNNING or PAUSED); at most one per task. */
    public static Optional<Experiment> findActiveByTaskName(String taskName) {
        return find("taskName = ?1 and status in ?2", taskName,
                List.of(ExperimentStatus.RUNNING, ExperimentStatus.PAUSED)).firstResultOptional();
    }

    public static List<Experiment> listByStatus(ExperimentStatus status) {
        return list("status = ?1 order by id", status);
    }

    public static List<Experiment> listAllOrdered() {
        return list("order by id");
    }
}

package io.mptrec.ab.experiment;

import io.mptrec.ab.statistics.NonInferiority;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;

/** A success metric or a guardrail (with its non-inferiority margin) of an experiment. */
@Embeddable
public class ExperimentMetric {

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public MetricRole role;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public MetricKind kind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public NonInferiority.Direction direction;

    /** Guardrails only. */
    public Double margin;

    /** Guardrails only. */
    @Enumerated(EnumType.STRING)
    @Column(name = "margin_type")
    public NonInferiority.MarginType marginType;
}

package io.mptrec.ab.experiment;

import io.mptrec.registry.version.PromptVersion;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;

/** One arm: a name, the task prompt version it serves and its traffic weight. Arm 0 is the control. */
@Embeddable
public class ExperimentArm {

    @Column(nullable = false)
    public String name;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "prompt_version_id", nullable = false)
    public PromptVersion version;

    @Column(nullable = false)
    public double weight;
}

package io.mptrec.ab.experiment;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** One arm: a name, the task prompt version it serves and its traffic weight. Arm 0 is the control. */
@Embeddable
public class ExperimentArm {

    @Column(nullable = false)
    public String name;

    /** The version's id, number and hashes in the registry, copied at creation: fixed once a version is stored. */
    @Column(name = "prompt_version_id", nullable = false)
    public long versionId;

    @Column(name = "version_number", nullable = false)
    public int versionNumber;

    @Column(name = "content_sha256", nullable = false)
    public String contentSha256;

    @Column(name = "encoder_sha256", nullable = false)
    public String encoderSha256;

    @Column(nullable = false)
    public double weight;
}

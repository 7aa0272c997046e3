package io.mptrec.registry.version;

/** The lifecycle of a task prompt version; RELEASED means "currently production". */
public enum VersionStatus {
    DRAFT, IN_REVIEW, APPROVED, REJECTED, RELEASED, RETIRED, ROLLED_BACK
}

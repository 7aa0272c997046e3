package io.mptrec.registry.api;

/**
 * The lifecycle of a task prompt version; RELEASED means "currently production". Published: the registry's answers
 * carry it.
 */
public enum VersionStatus {
    DRAFT, IN_REVIEW, APPROVED, REJECTED, RELEASED, RETIRED, ROLLED_BACK
}

package io.mptrec.model.artifact;

/** An artifact that cannot be read or does not fit: corrupted, truncated, tampered with or mismatched. */
public class ArtifactException extends RuntimeException {
    public ArtifactException(String message) {
        super(message);
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}

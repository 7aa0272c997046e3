package io.mptrec.registry.api;

/** A version as serving needs it: what to load (content and encoder hashes) and what to report. */
public record ServedVersion(long versionId, int number, String contentSha256, String encoderSha256) {
}

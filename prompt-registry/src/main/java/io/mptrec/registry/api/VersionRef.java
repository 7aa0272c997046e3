package io.mptrec.registry.api;

/**
 * A version as other modules refer to it: its id (what they store), its task and number (what people read) and the
 * hashes of its content and of the encoder it was trained for. All of them are fixed once the version is stored.
 */
public record VersionRef(long id, long taskId, String task, int number, String contentSha256, String encoderSha256) {
}

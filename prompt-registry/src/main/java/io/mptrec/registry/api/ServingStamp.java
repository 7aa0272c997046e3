package io.mptrec.registry.api;

/** A task's id and its serving stamp (see {@link PromptRegistry#servingStamp}). */
public record ServingStamp(long taskId, long stamp) {
}

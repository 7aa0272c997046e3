package io.mptrec.registry.api;

import java.time.Instant;

/**
 * The approval a release relies on: the version's latest APPROVED decision.
 *
 * @param author      who uploaded the version (four-eyes: never the reviewer, unless {@code adminBypass})
 * @param valid       it still covers the version's content and the task's encoder (else the approval is void)
 * @param adminBypass the approval itself was an admin bypass of four-eyes
 */
public record ApprovalFacts(String reviewer, String author, Instant decidedAt, boolean valid, boolean adminBypass) {
}

package io.mptrec.registry.api;

/**
 * What approving a version would mean for this actor, computed by the checks the approval then runs
 * ({@link Lifecycle#approvalPreview}): four-eyes (the approver is not the version's author) unless an admin bypasses it
 * with a reason. Whether the actor holds the reviewing role at all is the permission table's question, not this one.
 *
 * @param author  who uploaded the version
 * @param allowed this actor may approve it (with a reason when {@code bypass})
 * @param bypass  approving it is an admin bypass of four-eyes: the actor is its author; flagged, and needs a reason
 * @param refusal why the registry would refuse the approval, in words; null when {@code allowed}
 */
public record ApprovalPreview(String task, int number, VersionStatus status, String author, boolean allowed,
                              boolean bypass, String refusal) {
}

package io.mptrec.registry.version.rest;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.registry.version.service.LifecycleService;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Request bodies of the lifecycle operations. */
public final class Requests {

    private Requests() {
    }

    /**
     * Optional body of submit, approve, reject and release: a comment (the author's note to the reviewers, the
     * reviewer's on the decision), and a reason (a release's, or an admin's bypass of four-eyes).
     */
    public record TransitionRequest(@Size(max = 4000) String comment, @Size(max = 4000) String reason) {
        public static final TransitionRequest EMPTY = new TransitionRequest(null, null);

        /**
         * Both texts checked as stored text is; a text the operation does not store (a reject's reason, a release's
         * comment) is refused, never dropped in silence.
         */
        public TransitionRequest checked(String operation, boolean storesComment, boolean storesReason) {
            LifecycleService.requireProse(comment, "comment");
            LifecycleService.requireProse(reason, "reason");
            if (!storesComment && comment != null && !comment.isBlank()) {
                throw ApiException.badRequest("invalid-input", "a " + operation + " stores no comment: give its "
                        + "reason in reason", "comment");
            }
            if (!storesReason && reason != null && !reason.isBlank()) {
                throw ApiException.badRequest("invalid-input", "a " + operation + " stores no reason: give your note "
                        + "in comment", "reason");
            }
            return this;
        }
    }

    public record RollbackRequest(@NotBlank @Size(max = 4000) String reason, @Positive Integer targetVersion) {
    }

    public record LabelRequest(@NotNull @Positive Integer version) {
    }
}

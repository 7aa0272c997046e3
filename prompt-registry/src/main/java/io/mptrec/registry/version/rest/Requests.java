package io.mptrec.registry.version.rest;

import io.mptrec.registry.version.service.LifecycleService;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Request bodies of the lifecycle operations. */
public final class Requests {

    private Requests() {
    }

    /** Optional body of submit, approve, reject and release: a review comment, and the reason of an admin bypass. */
    public record TransitionRequest(@Size(max = 4000) String comment, @Size(max = 4000) String reason) {
        public static final TransitionRequest EMPTY = new TransitionRequest(null, null);

        /**
         * Both texts checked as stored text is, also the one this operation does not use (a reject's reason): a
         * client's control characters are refused, never passed over in silence.
         */
        public TransitionRequest checked() {
            LifecycleService.requireProse(comment, "comment");
            LifecycleService.requireProse(reason, "reason");
            return this;
        }
    }

    public record RollbackRequest(@NotBlank @Size(max = 4000) String reason, @Positive Integer targetVersion) {
    }

    public record LabelRequest(@NotNull @Positive Integer version) {
    }
}

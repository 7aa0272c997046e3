package io.mptrec.kernel.security;

import io.mptrec.kernel.problem.ApiException;
import io.quarkus.security.identity.SecurityIdentity;

/** Who acts: the authenticated user's name, and whether an admin bypass is open to them. */
public record Actor(String name, boolean admin) {

    /** The registry itself (seeding at first start). */
    public static final Actor SYSTEM = new Actor("system", false);

    /** The signed-in user as an actor: the API, the pages and every module read the admin role here only. */
    public static Actor of(SecurityIdentity identity) {
        return new Actor(identity.getPrincipal().getName(), identity.hasRole(Roles.ADMIN));
    }

    /**
     * The one admin-bypass rule: an admin who gives a reason may go past a refusal (returns true: the caller audits
     * the change as a bypass); anyone else gets the refusal, a 409 of {@code type}; an admin without a reason a 409
     * {@code bypass-needs-reason}.
     */
    public boolean requireBypass(String type, String refusal, String reason) {
        if (!admin) {
            throw ApiException.conflict(type, refusal);
        }
        if (reason == null || reason.isBlank()) {
            throw ApiException.conflict("bypass-needs-reason", refusal + "; an admin bypass needs a reason");
        }
        return true;
    }
}

package io.mptrec.governance.ui.page;

import io.mptrec.kernel.security.Actor;
import io.mptrec.kernel.security.Permission;
import io.mptrec.kernel.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The signed-in person as the pages see them ({@code inject:viewer} in templates): name, roles, and what they may do.
 * The pages only offer what {@link #may} allows; every action checks again with {@link #require} on the server.
 */
@Named("viewer")
@RequestScoped
public class Viewer {

    private static final List<String> ROLES = List.of(Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER,
            Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN);

    private final SecurityIdentity identity;

    public Viewer(SecurityIdentity identity) {
        this.identity = identity;
    }

    public boolean isSignedIn() {
        return !identity.isAnonymous();
    }

    public String getName() {
        return identity.isAnonymous() ? "" : identity.getPrincipal().getName();
    }

    /** The platform's roles this person holds (other realm roles such as offline_access are left out). */
    public String getRoles() {
        TreeSet<String> held = new TreeSet<>(identity.getRoles());
        held.retainAll(ROLES);
        return held.isEmpty() ? "no platform role" : String.join(", ", held);
    }

    public boolean may(Permission permission) {
        return permission.grantedTo(identity::hasRole);
    }

    public boolean isAuthor() {
        return may(Permission.AUTHOR_PROMPTS);
    }

    public boolean isApprover() {
        return may(Permission.REVIEW);
    }

    public boolean isReleaseManager() {
        return may(Permission.RELEASE);
    }

    public boolean isExperimenter() {
        return may(Permission.RUN_EXPERIMENTS);
    }

    public boolean isAuditor() {
        return may(Permission.READ_AUDIT);
    }

    public boolean isExperimentReader() {
        return may(Permission.READ_EXPERIMENTS);
    }

    public boolean isAdmin() {
        return may(Permission.BYPASS);
    }

    /** Refuses, with a sentence a person can act on, unless the viewer holds the permission. */
    public void require(String action, Permission permission) {
        if (!may(permission)) {
            throw new ActionForbidden(getName() + " (" + getRoles() + ") may not " + action + ": that needs the role "
                    + String.join(" or ", permission.roles()) + ". Ask an administrator if you need it.");
        }
    }

    public Actor actor() {
        return Actor.of(identity);
    }
}

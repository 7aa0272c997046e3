package io.mptrec.kernel.security;

import java.util.List;
import java.util.function.Predicate;

/**
 * The one table of who may do what: each permission and the roles that hold it. Each page method names the one it
 * needs ({@code @Requires}); every role set the API's {@code @RolesAllowed} states must be one of these
 * ({@code ArchitectureTests}), and {@code RoleParityTests} calls both per role, so that a page and its endpoint
 * cannot disagree.
 */
public enum Permission {

    READ_REGISTRY("read tasks, versions, reports and encoders", Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER,
            Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN),
    AUTHOR_PROMPTS("upload task prompts, submit them for review and move their labels", Roles.AUTHOR, Roles.ADMIN),
    REVIEW("approve or reject a version", Roles.APPROVER, Roles.ADMIN),
    RELEASE("release, roll back and promote an experiment's winner", Roles.RELEASE_MANAGER, Roles.ADMIN),
    READ_EXPERIMENTS("read experiments and their results", Roles.EXPERIMENTER, Roles.RELEASE_MANAGER, Roles.AUDITOR,
            Roles.ADMIN),
    RUN_EXPERIMENTS("create and change experiments, run pilots, score and post KPI events", Roles.EXPERIMENTER,
            Roles.ADMIN),
    READ_AUDIT("read and export the audit log", Roles.AUDITOR, Roles.ADMIN),
    READ_EVENTS("read the registry's outbox events", Roles.AUDITOR, Roles.RELEASE_MANAGER, Roles.ADMIN),
    BYPASS("bypass four-eyes or the live-traffic rule, with a reason", Roles.ADMIN),
    READ_OPERATIONS("read the application's metrics (/q/metrics)", Roles.AUDITOR, Roles.ADMIN);

    private final String description;
    private final List<String> roles;

    Permission(String description, String... roles) {
        this.description = description;
        this.roles = List.of(roles);
    }

    public String description() {
        return description;
    }

    public List<String> roles() {
        return roles;
    }

    /** Whether someone with these roles ({@code hasRole}) holds this permission. */
    public boolean grantedTo(Predicate<String> hasRole) {
        return roles.stream().anyMatch(hasRole);
    }
}

package io.mptrec.kernel.security;

/** The role model (fixed: the Keycloak realm will carry exactly these names). */
public final class Roles {
    public static final String AUTHOR = "prompt-author";
    public static final String APPROVER = "prompt-approver";
    public static final String RELEASE_MANAGER = "release-manager";
    public static final String EXPERIMENTER = "experimenter";
    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}

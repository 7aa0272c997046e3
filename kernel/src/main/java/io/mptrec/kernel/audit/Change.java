package io.mptrec.kernel.audit;

/**
 * One audited change: who did what to which task (and version), the state before and after, why, and whether it went
 * through an admin bypass. Built with {@link #of} and the named withers, so that no call site passes positional nulls.
 *
 * @param task    null for a change that concerns no task (an encoder)
 * @param version the task prompt version number; null when the change concerns no one version
 */
public record Change(String actor, AuditAction action, String task, Integer version, String before, String after,
                     String reason, boolean adminBypass) {

    public static Change of(String actor, AuditAction action, String task) {
        return new Change(actor, action, task, null, null, null, null, false);
    }

    public Change version(Integer number) {
        return new Change(actor, action, task, number, before, after, reason, adminBypass);
    }

    public Change from(String state) {
        return new Change(actor, action, task, version, state, after, reason, adminBypass);
    }

    public Change to(String state) {
        return new Change(actor, action, task, version, before, state, reason, adminBypass);
    }

    public Change because(String why) {
        return new Change(actor, action, task, version, before, after, why, adminBypass);
    }

    /** Marks the change as made through an admin bypass (flagged in the audit log). */
    public Change bypass(boolean bypassed) {
        return new Change(actor, action, task, version, before, after, reason, bypassed);
    }
}

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

    /**
     * The reason as it may be stored: the edges refuse control characters in a reason a person gives (400 naming the
     * field), so this only ever changes text the platform writes itself (an exception's message in a guardrail error):
     * a control character other than a line break or tab becomes U+FFFD, so that no audit entry can hold one (and
     * PostgreSQL, which cannot store NUL, never refuses the entry).
     */
    public Change {
        reason = printable(reason);
    }

    static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean bad = Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t';
            if (bad && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\uFFFD' : c);
            }
        }
        return out == null ? text : out.toString();
    }

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

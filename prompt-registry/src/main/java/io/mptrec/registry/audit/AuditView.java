package io.mptrec.registry.audit;

import java.time.Instant;

/** An audit entry as the API, its exports and the pages show it. */
public record AuditView(long id, Instant at, String actor, String action, String task, Integer version,
                        String before, String after, String reason, boolean adminBypass) {

    public static AuditView of(AuditEntry e) {
        return new AuditView(e.id, e.occurredAt, e.actor, e.action, e.task, e.versionNumber, e.before, e.after,
                e.reason, e.adminBypass);
    }
}

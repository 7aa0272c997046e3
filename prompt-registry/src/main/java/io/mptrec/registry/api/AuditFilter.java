package io.mptrec.registry.api;

import io.mptrec.kernel.security.Names;

import java.time.Instant;

/**
 * Filter for reading the audit log; null fields do not filter. Text filters are checked as stored text is (no control
 * character, at most 200 characters), so that PostgreSQL, which cannot hold a NUL, answers as H2 does: a 400.
 */
public record AuditFilter(String task, String actor, String action, Instant from, Instant to) {
    public AuditFilter {
        Names.optionalText(task, 200, "task");
        Names.optionalText(actor, 200, "actor");
        Names.optionalText(action, 200, "action");
    }
}

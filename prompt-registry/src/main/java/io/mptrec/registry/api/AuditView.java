package io.mptrec.registry.api;

import java.time.Instant;

/** An audit entry as the API, its exports and the pages show it. */
public record AuditView(long id, Instant at, String actor, String action, String task, Integer version,
                        String before, String after, String reason, boolean adminBypass) {
}

package io.mptrec.registry.api;

import io.mptrec.kernel.audit.AuditAction;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;

import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Filter for reading the audit log; null fields do not filter. Text filters are checked as stored text is (no control
 * character, at most 200 characters), so that PostgreSQL, which cannot hold a NUL, answers as H2 does: a 400. An action
 * must be one of {@link AuditAction}, spelt as the log holds it (upper case): a filter that no entry can ever match is
 * a mistake, refused with the list of actions, not an empty page.
 */
public record AuditFilter(String task, String actor, String action, Instant from, Instant to) {

    private static final String ACTIONS = Arrays.stream(AuditAction.values()).map(Enum::name)
            .collect(Collectors.joining(", "));

    public AuditFilter {
        Names.optionalText(task, 200, "task");
        Names.optionalText(actor, 200, "actor");
        Names.optionalText(action, 200, "action");
        if (action != null && Arrays.stream(AuditAction.values()).noneMatch(a -> a.name().equals(action))) {
            throw ApiException.badRequest("invalid-action", "action must be one of " + ACTIONS, "action");
        }
    }
}

package io.mptrec.registry.audit.service;

import io.mptrec.kernel.security.Names;
import io.mptrec.registry.audit.AuditEntry;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Writes audit entries inside the caller's transaction (MANDATORY: an entry never commits without its change). */
@ApplicationScoped
public class AuditService {

    private final Clock clock;

    public AuditService(Clock clock) {
        this.clock = clock;
    }

    /**
     * Filter for reading the log; null fields do not filter. Text filters are checked as stored text is (no control
     * character, at most 200 characters), so that PostgreSQL, which cannot hold a NUL, answers as H2 does: a 400.
     */
    public record AuditFilter(String task, String actor, String action, Instant from, Instant to) {
        public AuditFilter {
            Names.optionalText(task, 200, "task");
            Names.optionalText(actor, 200, "actor");
            Names.optionalText(action, 200, "action");
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public AuditEntry record(String actor, String action, String task, Integer versionNumber,
                             String before, String after, String reason, boolean adminBypass) {
        AuditEntry entry = new AuditEntry();
        entry.occurredAt = clock.instant();
        entry.actor = actor;
        entry.action = action;
        entry.task = task;
        entry.versionNumber = versionNumber;
        entry.before = before;
        entry.after = after;
        entry.reason = reason;
        entry.adminBypass = adminBypass;
        entry.persist();
        return entry;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<AuditEntry> findPage(AuditFilter filter, int page, int size) {
        return query(filter).page(Page.of(page, size)).list();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public long count(AuditFilter filter) {
        return query(filter).count();
    }

    /** Every action the log holds, sorted: what a filter by action can find, with no list to keep in step. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> actions() {
        return AuditEntry.getEntityManager()
                .createQuery("select distinct a.action from AuditEntry a order by a.action", String.class).getResultList();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<AuditEntry> findAll(AuditFilter filter) {
        return query(filter).list();
    }

    private static PanacheQuery<AuditEntry> query(AuditFilter f) {
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (f.task() != null) {
            where.add("task = :task");
            params = params.and("task", f.task());
        }
        if (f.actor() != null) {
            where.add("actor = :actor");
            params = params.and("actor", f.actor());
        }
        if (f.action() != null) {
            where.add("action = :action");
            params = params.and("action", f.action());
        }
        if (f.from() != null) {
            where.add("occurredAt >= :from");
            params = params.and("from", f.from());
        }
        if (f.to() != null) {
            where.add("occurredAt < :to");
            params = params.and("to", f.to());
        }
        String query = where.isEmpty() ? "1 = 1" : String.join(" and ", where);
        return AuditEntry.find(query, Sort.by("occurredAt").and("id"), params);
    }
}

package io.mptrec.registry.audit.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.registry.api.AuditFilter;
import io.mptrec.registry.api.AuditTrail;
import io.mptrec.registry.api.AuditView;
import io.mptrec.registry.api.Paging;
import io.mptrec.registry.audit.AuditEntry;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log: writes entries inside the caller's transaction (MANDATORY: an entry never commits without its change)
 * and reads them for the API, its exports and the pages ({@link AuditTrail}).
 */
@ApplicationScoped
public class AuditService implements AuditTrail {

    private final Clock clock;
    private final ObjectMapper mapper;

    public AuditService(Clock clock, ObjectMapper mapper) {
        this.clock = clock;
        this.mapper = mapper;
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

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<AuditView> page(AuditFilter filter, int page, int size) {
        Paging paging = new Paging(page, size);
        return query(filter).page(Page.of(paging.page(), paging.size())).list().stream().map(AuditEntry::view).toList();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long count(AuditFilter filter) {
        return query(filter).count();
    }

    /** Every action the log holds, sorted: what a filter by action can find, with no list to keep in step. */
    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> actions() {
        return AuditEntry.getEntityManager()
                .createQuery("select distinct a.action from AuditEntry a order by a.action", String.class).getResultList();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<AuditView> all(AuditFilter filter) {
        return query(filter).list().stream().map(AuditEntry::view).toList();
    }

    /** The log of a filter as a file: CSV (RFC 4180) or JSON. */
    @Override
    public Export export(AuditFilter filter, String format) {
        if ("json".equals(format)) {
            return new Export(json(all(filter)), "application/json", "audit.json");
        }
        if (format == null || "csv".equals(format)) {
            return new Export(AuditCsv.write(all(filter)), "text/csv", "audit.csv");
        }
        throw ApiException.badRequest("invalid-format", "format must be csv or json", "format");
    }

    private String json(List<AuditView> rows) {
        try {
            return mapper.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
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

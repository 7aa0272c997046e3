package io.mptrec.registry.audit.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.registry.audit.AuditView;
import io.mptrec.registry.audit.service.AuditService.AuditFilter;
import io.mptrec.kernel.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.UncheckedIOException;
import java.util.List;

/** The audit log of a filter as a file: CSV (RFC 4180) or JSON. The API's export and the audit page's use it. */
@ApplicationScoped
public class AuditExporter {

    private final AuditService audit;
    private final ObjectMapper mapper;

    public AuditExporter(AuditService audit, ObjectMapper mapper) {
        this.audit = audit;
        this.mapper = mapper;
    }

    /** The file: its body, media type and name. */
    public record Export(String body, String mediaType, String fileName) {
    }

    /** {@code format}: csv (also when null) or json; anything else is 400 {@code invalid-format}. */
    public Export export(AuditFilter filter, String format) {
        List<AuditView> rows = audit.findAll(filter).stream().map(AuditView::of).toList();
        if ("json".equals(format)) {
            return new Export(json(rows), "application/json", "audit.json");
        }
        if (format == null || "csv".equals(format)) {
            return new Export(AuditCsv.write(rows), "text/csv", "audit.csv");
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
}

package io.mptrec.governance.ui.audit;

import io.mptrec.governance.ui.page.FormNumbers;
import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.Requires;
import io.mptrec.governance.ui.page.UiConfig;
import io.mptrec.governance.ui.page.Viewer;
import io.mptrec.kernel.security.Permission;
import io.mptrec.kernel.time.Instants;
import io.mptrec.registry.api.AuditFilter;
import io.mptrec.registry.api.AuditTrail;
import io.mptrec.registry.api.AuditView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The audit log: filters (task, actor, action, date range in UTC), paging, and CSV / JSON export of the filter. */
@Path("/ui/audit")
public class AuditPagesResource {

    private final AuditTrail audit;
    private final Viewer viewer;
    private final UiConfig config;

    public AuditPagesResource(AuditTrail audit, Viewer viewer, UiConfig config) {
        this.audit = audit;
        this.viewer = viewer;
        this.config = config;
    }

    /** The filter as the form shows it (dates as yyyy-mm-dd, blank = no filter) and as a query string. */
    public record Filters(String task, String actor, String action, String from, String to, String query) {
    }

    public record Paging(int page, int number, int pages, long total, String previous, String next) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance log(Filters filters, List<String> actions, List<AuditView> entries, Paging paging);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Requires(value = Permission.READ_AUDIT, action = "read the audit log")
    public TemplateInstance getLog(@RestQuery String task, @RestQuery String actor, @RestQuery String action,
                                   @RestQuery String from, @RestQuery String to,
                                   @RestQuery("page") String pageText) {
        Integer page = FormNumbers.whole(pageText, "page", "Page");
        Filters f = filters(task, actor, action, from, to);
        AuditFilter filter = toFilter(f);
        long total = audit.count(filter);
        int size = config.auditPageSize();
        int pages = (int) Math.max(1, (total + size - 1) / size);
        int p = page == null ? 0 : Math.min(Math.max(page, 0), pages - 1);
        String base = "/ui/audit?" + (f.query().isEmpty() ? "" : f.query() + "&") + "page=";
        Paging paging = new Paging(p, p + 1, pages, total, p > 0 ? base + (p - 1) : null, p + 1 < pages ? base + (p + 1) : null);
        return Templates.log(f, audit.actions(), audit.page(filter, p, size), paging);
    }

    @GET
    @Path("export")
    @Produces({"text/csv", MediaType.APPLICATION_JSON})
    @Requires(value = Permission.READ_AUDIT, action = "export the audit log")
    public RestResponse<String> export(@RestQuery String format, @RestQuery String task, @RestQuery String actor,
                                       @RestQuery String action, @RestQuery String from, @RestQuery String to) {
        AuditFilter filter = toFilter(filters(task, actor, action, from, to));
        AuditTrail.Export file = audit.export(filter, format);
        return RestResponse.ResponseBuilder.ok(file.body(), file.mediaType())
                .header("Content-Disposition", "attachment; filename=\"" + file.fileName() + "\"").build();
    }



    private static Filters filters(String task, String actor, String action, String from, String to) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("task", blank(task));
        q.put("actor", blank(actor));
        q.put("action", blank(action) == null ? null : action.strip().toUpperCase(java.util.Locale.ROOT));
        q.put("from", blank(from));
        q.put("to", blank(to));
        String query = q.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return new Filters(q.get("task"), q.get("actor"), q.get("action"), q.get("from"), q.get("to"), query);
    }

    /** Dates are whole UTC days: from its first instant, to (inclusive) the end of its day. */
    private static AuditFilter toFilter(Filters f) {
        return new AuditFilter(f.task(), f.actor(), f.action(), day(f.from(), "from", 0), day(f.to(), "to", 1));
    }

    private static Instant day(String value, String field, int plusDays) {
        return Instants.requireDay(value, plusDays, field);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

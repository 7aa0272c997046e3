package io.mptrec.governance.ui.versions;

import com.fasterxml.jackson.databind.JsonNode;
import io.mptrec.ab.experiment.service.ExperimentService;
import io.mptrec.governance.ui.page.Charts;
import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.Requires;
import io.mptrec.governance.ui.page.ScriptJson;
import io.mptrec.governance.ui.page.Viewer;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Permission;
import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.format.Figures;
import io.mptrec.registry.api.ApprovalFacts;
import io.mptrec.registry.api.AuditFilter;
import io.mptrec.registry.api.AuditTrail;
import io.mptrec.registry.api.AuditView;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.ReleasePreview;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.api.Views.VersionDetail;
import io.mptrec.registry.api.Views.VersionDiff;
import io.mptrec.registry.api.Views.VersionSummary;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.mptrec.model.artifact.CanonicalJson;
import io.mptrec.model.artifact.NonInterference;
import io.mptrec.model.report.ContributionReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A version: lineage, metrics with sample sizes, approvals, audit trail; diff; submit; release with confirmation. */
@Path("/ui/tasks/{task}/versions/{number}")
@Produces(MediaType.TEXT_HTML)
public class VersionPagesResource {

    private final Catalog catalog;
    private final Lifecycle lifecycle;
    private final AuditTrail audit;
    private final Viewer viewer;
    private final ScriptJson json;
    private final ExperimentService experiments;

    public VersionPagesResource(Catalog catalog, Lifecycle lifecycle, AuditTrail audit, Viewer viewer,
                                ScriptJson json, ExperimentService experiments) {
        this.catalog = catalog;
        this.lifecycle = lifecycle;
        this.audit = audit;
        this.viewer = viewer;
        this.json = json;
        this.experiments = experiments;
    }

    /** A lineage field and its stored value, shown by {@code fig:value}. */
    public record Fact(String name, JsonNode value) {
    }

    /**
     * The registry's release preview in words. {@code offered}: the registry would release it for this viewer (with a
     * reason); {@code bypass}: as an admin bypass (no valid approval), which {@code bypassWhy} explains.
     */
    public record ReleasePlan(Integer from, String change, String approval, boolean offered, boolean bypass,
                              String bypassWhy) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance detail(VersionDetail v, List<Fact> lineage, NonInterference nonInterference,
                                              String chart, List<AuditView> trail, List<Integer> others, String done,
                                              ContributionReport report, String attributionChart, String gateChart,
                                              String attentionChart);

        static native TemplateInstance diff(VersionDiff d, String chart, String fieldChart, String gateChart,
                                            String attentionChart);

        static native TemplateInstance release(ReleasePreview v, ReleasePlan plan, String error);
    }

    @GET
    public TemplateInstance getVersion(@RestPath String task, @RestPath String number, @RestQuery String done) {
        VersionDetail detail = catalog.version(name(task), version(number));
        List<Fact> lineage = new ArrayList<>();
        detail.lineage().fields().forEachRemaining(f -> {
            if (!"metrics".equals(f.getKey())) {
                lineage.add(new Fact(f.getKey(), f.getValue()));
            }
        });
        JsonNode ni = detail.nonInterference();
        // the audit log is the auditors' (READ_AUDIT), on this page as in the API; the approval history is everyone's
        List<AuditView> trail = !viewer.isAuditor() ? null
                : audit.all(new AuditFilter(detail.task(), null, null, null, null)).stream()
                .filter(e -> e.version() != null && e.version() == detail.number()).toList();
        List<Integer> others = catalog.versions(detail.task()).stream().map(VersionSummary::number)
                .filter(n -> n != detail.number()).toList();
        ContributionReport report = catalog.report(detail.task(), detail.number()).orElse(null);
        return Templates.detail(detail, lineage, nonInterference(ni),
                json.write(metricChart(detail.metrics())), trail, others,
                Pages.notice("Done: version " + detail.number() + " ", done),
                report, report == null ? null : json.write(attributionChart(report)),
                report == null ? null : json.write(gateChart(report)),
                report == null || report.attention() == null ? null : json.write(attentionChart(report)));
    }

    /** The stored check as the model wrote it, for the page's table; null for a stage-1 prompt (no check). */
    private static NonInterference nonInterference(JsonNode stored) {
        if (stored == null || stored.isMissingNode() || stored.isNull()) {
            return null;
        }
        try {
            return CanonicalJson.MAPPER.treeToValue(stored, NonInterference.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored non-interference check does not parse", e);
        }
    }

    @GET
    @Path("diff")
    public TemplateInstance getDiff(@RestPath String task, @RestPath String number, @RestQuery("with") String with) {
        if (with == null || with.isBlank()) {
            throw ApiException.badRequest("invalid-version", "choose a version to compare with", "with");
        }
        String name = name(task);
        VersionDiff d = catalog.diff(name, version(number), Names.requireVersionNumber(with, "with"));
        ContributionReport reportA = catalog.report(name, d.a().number()).orElse(null);
        ContributionReport reportB = catalog.report(name, d.b().number()).orElse(null);
        ReportDiffCharts reportCharts = ReportDiffCharts.of(d.a().number(), d.b().number(), d.reports(), reportA,
                reportB);
        List<String> labels = new ArrayList<>();
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        d.metrics().forEach(m -> {
            labels.add(m.task() + " " + m.split() + " " + m.metric());
            a.add(m.a());
            b.add(m.b());
        });
        Map<String, Object> chart = barChart(labels, List.of(
                Map.of("label", "v" + d.a().number(), "data", a, "backgroundColor", "#1f5fbf"),
                Map.of("label", "v" + d.b().number(), "data", b, "backgroundColor", "#f0a400")));
        return Templates.diff(d, json.write(chart), orNull(reportCharts.fields()), orNull(reportCharts.gate()),
                orNull(reportCharts.attention()));
    }

    @POST
    @Path("submit")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.AUTHOR_PROMPTS, action = "submit a version for review")
    public RestResponse<Object> submit(@RestPath String task, @RestPath String number) {
        VersionSummary v = lifecycle.submit(name(task), version(number), viewer.actor(), null);
        return Pages.seeOther("/ui/tasks/" + v.task() + "/versions/" + v.number() + "?done=submitted-for-review");
    }

    @GET
    @Path("release")
    @Requires(value = Permission.RELEASE, action = "release a version")
    public TemplateInstance getRelease(@RestPath String task, @RestPath String number) {
        ReleasePreview preview = preview(task, number);
        return Templates.release(preview, plan(preview), null);
    }

    @POST
    @Path("release")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.RELEASE, action = "release a version")
    public RestResponse<?> release(@RestPath String task, @RestPath String number, @RestForm String reason) {
        ReleasePreview v = preview(task, number);
        if (reason == null || reason.isBlank()) {
            return RestResponse.ResponseBuilder.create(RestResponse.Status.BAD_REQUEST, Templates.release(v,
                    plan(v), "A release needs a reason: say why this version should serve production.")).build();
        }
        lifecycle.release(v.task(), v.number(), viewer.actor(), reason.strip());
        return Pages.seeOther("/ui/tasks/" + v.task() + "/versions/" + v.number() + "?done=released-to-production");
    }



    private ReleasePreview preview(String task, String number) {
        return lifecycle.releasePreview(name(task), version(number), viewer.actor());
    }

    /**
     * The preview in words: what production becomes, what it then serves (every request, unless an experiment routes
     * the task's traffic), and the approval the release relies on (or why not).
     */
    private ReleasePlan plan(ReleasePreview v) {
        Integer from = v.productionNow();
        String change = change(v);
        ApprovalFacts a = v.approval();
        String approval;
        String bypassWhy = null;
        if (v.bypass()) {
            bypassWhy = v.status() == VersionStatus.APPROVED
                    ? "The approval of v" + v.number() + (a == null ? " is missing" : " by " + a.reviewer() + " is void")
                    + ": the content or the encoder changed since."
                    : "v" + v.number() + " is " + v.status() + ", not APPROVED by a second person.";
            approval = bypassWhy + (v.allowed()
                    ? " As admin you may release it anyway with a reason: an admin bypass, flagged in the audit log."
                    : " The server will refuse the release: " + v.refusal() + ".");
        } else if (!v.allowed()) {
            approval = "The server will refuse the release: " + v.refusal() + ".";
        } else {
            approval = "Approved by " + a.reviewer() + " at " + Figures.time(a.decidedAt())
                    + "; the approval still covers this content and encoder.";
        }
        return new ReleasePlan(from, change, approval, v.allowed(), v.bypass(), bypassWhy);
    }

    /** What production becomes, and what it then serves. */
    private String change(ReleasePreview v) {
        Integer from = v.productionNow();
        if (from != null && from == v.number()) {
            return "v" + from + " already serves production of '" + v.task() + "': there is nothing to release.";
        }
        String move = from == null
                ? "'" + v.task() + "' has no production version yet: v" + v.number() + " becomes production. "
                : "production of '" + v.task() + "' moves from v" + from + " to v" + v.number() + "; v" + from
                + " becomes " + v.productionNowBecomes() + " (rollback can return to it). ";
        return move + experiments.productionMove(v.task(), from, v.number());
    }

    private static String name(String task) {
        return Names.requireName(task, "task");
    }

    private static int version(String number) {
        return Names.requireVersionNumber(number, "version");
    }

    private String orNull(Map<String, Object> chart) {
        return chart == null ? null : json.write(chart);
    }

    /**
     * The offline metrics grouped by task and split, one dataset and one y axis per metric (AUC on [0, 1] on the left,
     * log-loss on its own scale on the right): two kinds of number on one axis read as one.
     */
    private static Map<String, Object> metricChart(List<OfflineMetric> metrics) {
        List<String> groups = metrics.stream().map(m -> m.task() + " " + m.split() + " (n = "
                + Figures.count(m.samples()) + ")").distinct().toList();
        List<String> kinds = metrics.stream().map(OfflineMetric::metric).distinct().toList();
        String[] colours = {"#1f5fbf", "#b35900", "#2e7d32"};
        List<Map<String, Object>> datasets = new ArrayList<>();
        Map<String, Object> scales = new LinkedHashMap<>();
        for (int k = 0; k < kinds.size(); k++) {
            String kind = kinds.get(k);
            List<Double> values = new ArrayList<>();
            for (String group : groups) {
                values.add(metrics.stream().filter(m -> m.metric().equals(kind) && group.startsWith(m.task() + " "
                        + m.split() + " ")).map(OfflineMetric::value).findFirst().orElse(null));
            }
            datasets.add(Map.of("label", kind, "data", values, "backgroundColor", colours[k % colours.length],
                    "yAxisID", kind));
            scales.put(kind, "auc".equals(kind)
                    ? Map.of("position", "left", "min", 0, "max", 1, "title", Map.of("display", true, "text", kind))
                    : Map.of("position", k == 0 ? "left" : "right", "beginAtZero", true,
                    "grid", Map.of("drawOnChartArea", false), "title", Map.of("display", true, "text", kind)));
        }
        return Charts.chart("bar", groups, datasets, Map.of("scales", scales));
    }

    /** Mean |integrated gradients| per field (ranked) beside occlusion's mean |change| of the logit. */
    private static Map<String, Object> attributionChart(ContributionReport report) {
        var fields = report.attributions().fields();
        return barChart(fields.stream().map(f -> f.field()).toList(), List.of(
                Map.of("label", "mean |integrated gradients|", "data",
                        fields.stream().map(f -> f.meanAbsAttribution()).toList(), "backgroundColor", "#1f5fbf"),
                Map.of("label", "mean |occlusion change|", "data",
                        fields.stream().map(f -> f.occlusionMeanAbsChange()).toList(), "backgroundColor", "#f0a400")));
    }

    /** How the gate splits each row between the task-specific (share g[0]) and the shared representation. */
    private static Map<String, Object> gateChart(ContributionReport report) {
        var histogram = report.gate().taskSpecificHistogram();
        List<String> labels = Charts.binLabels(histogram.min(), histogram.max(), histogram.counts().size());
        return Charts.chart("bar", labels, List.of(Map.of("label", "rows", "data", histogram.counts(),
                "backgroundColor", "#1f5fbf")), Map.of());
    }

    /** Which existing tasks' prompts a stage-2 prompt borrows from, on average. */
    private static Map<String, Object> attentionChart(ContributionReport report) {
        return barChart(report.attention().tasks(), List.of(Map.of("label", "mean attention", "data",
                report.attention().mean(), "backgroundColor", "#1f5fbf")));
    }

    /** Bars on a y axis from 0, suggested up to 1 (attributions and attention are shares). */
    private static Map<String, Object> barChart(List<String> labels, List<Map<String, Object>> datasets) {
        return Charts.chart("bar", labels, datasets,
                Map.of("scales", Map.of("y", Map.of("beginAtZero", true, "suggestedMax", 1))));
    }
}

package io.mptrec.governance.ui.experiments;

import io.mptrec.ab.analysis.ExperimentResults;
import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.covariate.CovariateRequests.CovariateAck;
import io.mptrec.ab.covariate.CovariateRequests.CovariateValue;
import io.mptrec.ab.covariate.service.CovariateService;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentRequests.CreateExperiment;
import io.mptrec.ab.experiment.ExperimentView;
import io.mptrec.ab.experiment.PromotionPreview;
import io.mptrec.ab.experiment.service.ExperimentService;
import io.mptrec.ab.experiment.service.PromotionService;
import io.mptrec.ab.pilot.PilotRequests.PilotProgress;
import io.mptrec.ab.pilot.PilotRequests.PilotRequest;
import io.mptrec.ab.pilot.service.PilotService;
import io.mptrec.ab.results.ExperimentTimeSeries;
import io.mptrec.ab.results.service.ResultsService;
import io.mptrec.ab.results.service.TimeSeriesService;
import io.mptrec.governance.ui.page.Charts;
import io.mptrec.governance.ui.page.FormNumbers;
import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.Refusal;
import io.mptrec.governance.ui.page.Requires;
import io.mptrec.governance.ui.page.ScriptJson;
import io.mptrec.governance.ui.page.Viewer;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Permission;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.ReleasePreview;
import io.mptrec.registry.api.RollbackPreview;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.api.Views.TaskView;
import io.quarkus.qute.CheckedTemplate;
import io.mptrec.model.format.Figures;
import io.quarkus.qute.TemplateExtension;
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
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Experiments: list, create (two arms, one success metric, one guardrail), start / pause / stop with a reason, a
 * pilot that replays held-out data, and the live results (refreshed every few seconds while the page is open) with
 * each metric's trend per arm over time.
 */
@Path("/ui/experiments")
@Produces(MediaType.TEXT_HTML)
public class ExperimentsResource {

    private final ExperimentService experiments;
    private final ResultsService results;
    private final TimeSeriesService timeSeries;
    private final PilotService pilot;
    private final PromotionService promotion;
    private final Catalog catalog;
    private final CovariateService covariates;
    private final AbConfig abConfig;
    private final Viewer viewer;
    private final ScriptJson json;

    public ExperimentsResource(ExperimentService experiments, ResultsService results, TimeSeriesService timeSeries,
                               PilotService pilot, PromotionService promotion, Catalog catalog,
                               CovariateService covariates, AbConfig abConfig, Viewer viewer, ScriptJson json) {
        this.experiments = experiments;
        this.results = results;
        this.timeSeries = timeSeries;
        this.pilot = pilot;
        this.promotion = promotion;
        this.catalog = catalog;
        this.covariates = covariates;
        this.abConfig = abConfig;
        this.viewer = viewer;
        this.json = json;
    }

    /** One metric of one arm, ready to print: estimate, interval, count. */
    public record Cell(String metric, double estimate, Double lower, Double upper, long count) {

        public String estimateText() {
            return Figures.estimate(estimate);
        }

        public String intervalText() {
            return lower == null ? "too little data"
                    : "[" + Figures.estimate(lower) + ", " + Figures.estimate(upper) + "]";
        }
    }

    public record ArmRow(String name, int version, double weight, long units, long exposures, List<Cell> metrics,
                         String model) {
    }

    /**
     * The ab-testing service's promotion preview in words, before anyone confirms it. {@code offered}: the service
     * would promote it for this viewer (with a reason); {@code bypass}: as an admin bypass of a missing approval;
     * {@code stopInstead}: the winner already serves production, so stopping the experiment is what is left to do.
     */
    public record PromotionPlan(List<PromotionPreview.Candidate> candidates, String chosen, String change,
                                String approval, boolean bypass, boolean offered, boolean stopInstead) {
    }

    /**
     * What was typed into the experiment page's forms, shown again with a refusal of one of them; null where nothing
     * was (the form's default then).
     */
    public record Typed(String reason, String ramp, String rampReason, String rows, String label, String rate) {
        static final Typed NOTHING = new Typed(null, null, null, null, null, null);

        static Typed action(String reason) {
            return new Typed(reason, null, null, null, null, null);
        }

        static Typed ramp(String ramp, String reason) {
            return new Typed(null, ramp, reason, null, null, null);
        }

        static Typed pilot(String rows, String label, String rate) {
            return new Typed(null, null, null, rows, label, rate);
        }
    }

    /** The experiment page's words for the fields a refusal of its forms may name. */
    private static final Map<String, String> LABELS = Map.of("reason", "reason", "ramp", "ramp", "rows", "rows",
            "rate", "requests per second", "ratePerSecond", "requests per second", "label", "outcome label");

    /** One metric over time: heading facts, the latest values in words (the chart's text alternative) and the spec. */
    public record TrendChart(String metric, String kind, String role, String latest, String chart) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(List<ExperimentView> experiments, List<String> tasks);

        static native TemplateInstance create(List<String> tasks, NewExperiment form, String error);

        static native TemplateInstance detail(ExperimentView e, List<ExperimentService.ArmTraffic> traffic,
                                              boolean unreviewed, PilotProgress pilot, String done, String error,
                                              Typed typed);

        static native TemplateInstance promote(ExperimentView e, PromotionPlan plan, String error);

        static native TemplateInstance results(ExperimentView e, ExperimentResults r, List<ArmRow> arms, String chart,
                                               String liftChart, ExperimentTimeSeries ts, List<TrendChart> trends);
    }

    @GET
    @Requires(value = Permission.READ_EXPERIMENTS, action = "read experiments")
    public TemplateInstance getExperiments() {
        return Templates.list(experiments.findAllExperimentViews(), taskNames());
    }

    @GET
    @Path("new")
    @Requires(value = Permission.RUN_EXPERIMENTS, action = "create an experiment")
    public TemplateInstance getCreate(@RestQuery String task) {
        return Templates.create(taskNames(), NewExperiment.of(task), null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.RUN_EXPERIMENTS, action = "create an experiment")
    public RestResponse<?> create(@RestForm String name, @RestForm String task, @RestForm String control,
                                  @RestForm String treatment, @RestForm String treatmentShare, @RestForm String ramp,
                                  @RestForm String successMetric, @RestForm String successKind,
                                  @RestForm String guardrailMetric, @RestForm String guardrailMargin) {
        NewExperiment form = new NewExperiment(name, task, control, treatment, treatmentShare, ramp, successMetric,
                successKind, guardrailMetric, guardrailMargin);
        try {
            CreateExperiment req = form.request();
            ExperimentView view;
            try {
                view = experiments.createExperimentView(req, viewer.getName());
            } catch (ApiException e) {
                throw form.inPercent(e);
            }
            return Pages.seeOther("/ui/experiments/" + view.id() + "?done=created");
        } catch (ApiException e) {
            Refusal refusal = Refusal.of(e, "No experiment was created", NewExperiment.LABELS);
            return refusal.page(Templates.create(taskNames(), form, refusal.message()));
        }
    }

    @GET
    @Path("{id}")
    @Requires(value = Permission.READ_EXPERIMENTS, action = "read experiments")
    public TemplateInstance getExperiment(@RestPath String id, @RestQuery String done) {
        long key = id(id);
        Optional<PilotProgress> progress = pilot.findProgress(key);
        return detail(key, progress.orElse(null), Pages.notice("Done: ", done), null,
                Typed.NOTHING);
    }

    /** Ramp: the share of units in the experiment, in percent on the page; sticky (included units keep their arm). */
    @POST
    @Path("{id}/ramp")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.RUN_EXPERIMENTS, action = "change an experiment's ramp")
    public RestResponse<?> changeRamp(@RestPath String id, @RestForm String ramp, @RestForm String reason) {
        long key = id(id);
        try {
            Double share = FormNumbers.share(ramp, "ramp", "Ramp");
            if (share == null) {
                throw ApiException.badRequest("invalid-input", InPercent.ramp(ramp), "ramp");
            }
            try {
                experiments.changeRampView(key, share, viewer.actor(), blank(reason) ? null : reason.strip());
            } catch (ApiException e) {
                throw "ramp".equals(e.problem().field())
                        ? ApiException.badRequest("invalid-input", InPercent.ramp(ramp), "ramp") : e;
            }
        } catch (ApiException e) {
            return refused(Refusal.of(e, "Nothing was changed", LABELS), key, Typed.ramp(ramp, reason));
        }
        return Pages.seeOther("/ui/experiments/" + key + "?done=ramp-now-" + ramp.strip() + "-percent");
    }

    /** Promotion: a confirmation page (the verdicts, what production becomes, the approval's state), then the release. */
    @GET
    @Path("{id}/promote")
    @Requires(value = Permission.RELEASE, action = "promote an experiment's winner")
    public TemplateInstance getPromote(@RestPath String id, @RestQuery String arm) {
        long key = id(id);
        PromotionPreview preview = promotion.promotionPreview(key, blank(arm) ? null : arm.strip(), viewer.actor());
        return Templates.promote(preview.experiment(), plan(preview), null);
    }

    @POST
    @Path("{id}/promote")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.RELEASE, action = "promote an experiment's winner")
    public RestResponse<?> promote(@RestPath String id, @RestForm String arm, @RestForm String reason) {
        long key = id(id);
        if (blank(reason)) {
            PromotionPreview preview = promotion.promotionPreview(key, blank(arm) ? null : arm.strip(), viewer.actor());
            return RestResponse.ResponseBuilder.create(RestResponse.Status.BAD_REQUEST, Templates.promote(
                    preview.experiment(), plan(preview), "Nothing was changed (reason): a promotion is a "
                            + "release and needs a reason; it is kept in the audit log.")).build();
        }
        PromotionService.Promoted done = promotion.promote(key, blank(arm) ? null : arm.strip(), viewer.actor(),
                reason.strip());
        return Pages.seeOther("/ui/experiments/" + key + "?done=promoted-v" + done.releasedVersion()
                + "-to-production-and-stopped");
    }

    /** The results block alone: the detail page reloads it every few seconds (htmx). */
    @GET
    @Path("{id}/results")
    @Requires(value = Permission.READ_EXPERIMENTS, action = "read experiments")
    public TemplateInstance getResults(@RestPath String id) {
        long key = id(id);
        ExperimentView e = experiments.findExperimentViewById(key).orElseThrow(() -> notFound(key));
        ExperimentResults r = results.findResultsById(key).orElseThrow(() -> notFound(key));
        ExperimentTimeSeries ts = timeSeries.findTimeSeriesById(key, TimeSeriesService.DEFAULT_BUCKETS)
                .orElseThrow(() -> notFound(key));
        List<ArmRow> arms = new ArrayList<>();
        for (ExperimentResults.ArmResult a : r.arms()) {
            List<Cell> cells = new ArrayList<>();
            a.metrics().forEach((metric, s) -> cells.add(new Cell(metric, s.estimate(),
                    s.interval() == null ? null : s.interval().lower(), s.interval() == null ? null : s.interval().upper(),
                    s.count())));
            String model = r.modelQualityMetric() == null
                    ? "needs a PROPORTION (0/1 outcome) metric to pair scores with; this experiment has none: create it"
                    + " with one (the create form's metric kind), e.g. the label a pilot replays"
                    : a.model() == null ? "no scored exposure with a " + r.modelQualityMetric() + " outcome yet"
                    : "AUC " + Figures.estimate(a.model().auc()) + ", log-loss " + Figures.estimate(a.model().logLoss())
                    + " against " + r.modelQualityMetric() + " (n = " + Figures.count(a.model().count()) + ")";
            arms.add(new ArmRow(a.name(), a.version(), a.weight(), a.units(), a.exposures(), cells, model));
        }
        Map<String, Object> lifts = liftChart(r);
        return Templates.results(e, r, arms, json.write(chart(arms)), lifts == null ? null : json.write(lifts), ts,
                TrendCharts.of(ts, json));
    }

    @POST
    @Path("{id}/{action: start|pause|stop}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.RUN_EXPERIMENTS, action = "start, pause or stop an experiment")
    public RestResponse<?> change(@RestPath String id, @RestPath String action, @RestForm String reason) {
        long key = id(id);
        String why = blank(reason) ? null : reason.strip();
        try {
            switch (action) {
                case "start" -> experiments.startView(key, viewer.actor(), why);
                case "pause" -> experiments.pauseView(key, viewer.getName(), why);
                default -> experiments.stopView(key, viewer.getName(), why);
            }
        } catch (ApiException e) {
            return refused(Refusal.of(e, "Nothing was changed", LABELS), key, Typed.action(reason));
        }
        String done = action.endsWith("p") ? action + "ped" : action.endsWith("e") ? action + "d" : action + "ed";
        return Pages.seeOther("/ui/experiments/" + key + "?done=" + done);
    }

    @POST
    @Path("{id}/pilot")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.RUN_EXPERIMENTS, action = "run a pilot")
    public RestResponse<?> startPilot(@RestPath String id, @RestForm String rows, @RestForm String rate,
                                      @RestForm String label) {
        long key = id(id);
        try {
            Integer count = FormNumbers.whole(rows, "rows", "Rows");
            if (count == null) {
                throw ApiException.badRequest("invalid-input", "required", "rows");
            }
            Double perSecond = FormNumbers.decimal(rate, "rate", "Requests per second");
            pilot.start(key, new PilotRequest(count, perSecond, 1L, blank(label) ? null : label.strip()),
                    viewer.getName());
        } catch (ApiException e) {
            return refused(Refusal.of(e, "No pilot was started", LABELS), key, Typed.pilot(rows, label, rate));
        }
        return Pages.seeOther("/ui/experiments/" + key + "?done=pilot-started");
    }

    /**
     * Cancels the experiment's running pilot through the pilot service, as the API's
     * {@code DELETE /api/v1/experiments/{id}/pilot} does: it ends within a second, keeping what it stored; a pilot that
     * has ended is refused on the page.
     */
    @POST
    @Path("{id}/pilot/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.RUN_EXPERIMENTS, action = "cancel a pilot")
    public RestResponse<?> cancelPilot(@RestPath String id) {
        long key = id(id);
        try {
            pilot.cancel(key, viewer.getName());
        } catch (ApiException e) {
            return refused(Refusal.of(e, "Nothing was changed", LABELS), key, Typed.NOTHING);
        }
        return Pages.seeOther("/ui/experiments/" + key + "?done=pilot-cancelled");
    }

    /** CUPED: pre-period values from a CSV file ({@link CovariateCsv}); all or nothing, as the API's batch. */
    @POST
    @Path("{id}/covariates")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Requires(value = Permission.RUN_EXPERIMENTS, action = "upload covariates")
    public RestResponse<TemplateInstance> uploadCovariates(@RestPath String id, @RestForm("file") FileUpload file) {
        long key = id(id);
        try {
            if (file == null || file.size() == 0) {
                throw ApiException.badRequest("invalid-input", "choose a CSV file of unitId,metric,value lines", "file");
            }
            long limit = abConfig.batches().maxBodyBytes();
            if (file.size() > limit) {
                // as the API's batch limit: refused before a line is read
                throw ApiException.tooLarge("a covariate file holds at most " + limit
                        + " bytes (mptrec.ab.batches.max-body-bytes); split it", "file");
            }
            CovariateCsv.Lines parsed = parse(file);
            CovariateAck ack;
            try {
                ack = covariates.persistCovariates(key, parsed.values());
            } catch (ApiException e) {
                throw parsed.onLines(e);
            }
            return Pages.seeOther("/ui/experiments/" + key + "?done=" + ack.stored() + "-covariates-stored-"
                    + ack.duplicates() + "-already-there");
        } catch (ApiException e) {
            return refused(Refusal.of(e, "Nothing was stored", Map.of()), key, Typed.NOTHING);
        }
    }

    /** The experiment page again, with the refusal on top (nothing was changed) and what was typed in its form. */
    private RestResponse<TemplateInstance> refused(Refusal refusal, long key, Typed typed) {
        return refusal.page(detail(key, pilot.findProgress(key).orElse(null), null, refusal.message(), typed));
    }

    /** The experiment page, with the registry's answer for every arm: may its version take live traffic? */
    private TemplateInstance detail(long key, PilotProgress progress, String done, String error, Typed typed) {
        // reads only (no transaction needed): the experiment, and the registry's answer per arm
        Experiment e = experiments.findExperimentById(key).orElseThrow(() -> notFound(key));
        List<ExperimentService.ArmTraffic> traffic = experiments.liveTraffic(e);
        boolean unreviewed = traffic.stream().anyMatch(t -> !t.decision().allowed());
        return Templates.detail(ExperimentView.of(e), traffic, unreviewed, progress, done, error, typed);
    }

    private static CovariateCsv.Lines parse(FileUpload file) {
        // Files.newBufferedReader's decoder reports malformed input instead of replacing it
        try (BufferedReader lines = Files.newBufferedReader(file.uploadedFile(), StandardCharsets.UTF_8)) {
            return CovariateCsv.parse(lines);
        } catch (MalformedInputException e) {
            throw ApiException.badRequest("invalid-input", "the file is not UTF-8 text", "file");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }



    /** The preview in words: the verdicts, what production becomes, the approval the release relies on. */
    private static PromotionPlan plan(PromotionPreview p) {
        ExperimentView e = p.experiment();
        if (p.chosen() == null) {
            String refusal = p.refusal().endsWith(".") ? p.refusal() : p.refusal() + ".";
            return new PromotionPlan(p.candidates(), null, "There is nothing to promote: " + refusal
                    + " An inconclusive or losing arm is never released.", null, false, false, false);
        }
        int v = p.version();
        if (p.alreadyProduction()) {
            return new PromotionPlan(p.candidates(), p.chosen(), "The winner, arm '" + p.chosen() + "' (v" + v
                    + "), already serves production of '" + e.task() + "': there is nothing to release, and production"
                    + " stays at v" + v + ". Stop the experiment instead: from the next request every unit is scored"
                    + " with v" + v + ".", null, false, false, true);
        }
        if (p.reinstate() != null) {
            RollbackPreview back = p.reinstate();
            return new PromotionPlan(p.candidates(), p.chosen(), "v" + v + " served production before (a rollback arm):"
                    + " production of '" + e.task() + "' moves from v" + back.productionNow() + " back to v" + v
                    + " by the registry's rollback; v" + back.productionNow() + " becomes "
                    + back.productionNowBecomes() + ". The experiment '" + e.name() + "' stops: from the next request"
                    + " every unit is scored with v" + v + ".", back.allowed() ? null
                    : "The registry refuses the rollback: " + back.refusal() + ".", false, p.allowed(), false);
        }
        ReleasePreview r = p.release();
        String change = (r.productionNow() == null ? "'" + e.task() + "' has no production version yet: v" + v
                + " becomes production."
                : "production of '" + e.task() + "' moves from v" + r.productionNow() + " to v" + v
                + " (arm '" + p.chosen() + "'); v" + r.productionNow() + " becomes " + r.productionNowBecomes()
                + " (rollback can return to it).")
                + " The experiment '" + e.name() + "' stops: from the next request every unit is scored with v" + v + ".";
        String approval;
        if (r.bypass()) {
            approval = (r.status() == VersionStatus.APPROVED
                    ? "The approval of v" + v + " is void: its content or encoder changed since."
                    : "v" + v + " is " + r.status() + " without a valid approval.")
                    + (r.allowed() ? " As admin you may release it anyway: an admin bypass, flagged in the audit log with your reason."
                    : " The registry refuses the release: ask an approver to approve it first; promotion cannot skip the review.");
        } else if (!r.allowed()) {
            approval = "The registry refuses the release: " + r.refusal() + ".";
        } else {
            approval = "v" + v + " was approved by " + r.approval().reviewer() + " (its author is "
                    + r.approval().author() + "): the release keeps four-eyes intact.";
        }
        return new PromotionPlan(p.candidates(), p.chosen(), change, approval, r.bypass(), p.allowed(), false);
    }

    private List<String> taskNames() {
        return catalog.tasks().stream().map(TaskView::name).toList();
    }

    /** Per arm and metric: the estimate as a point and its interval as a floating bar (the band). */
    private static Map<String, Object> chart(List<ArmRow> arms) {
        List<String> labels = new ArrayList<>();
        List<Object> bands = new ArrayList<>();
        List<Object> points = new ArrayList<>();
        for (ArmRow a : arms) {
            for (Cell c : a.metrics()) {
                labels.add(a.name() + " v" + a.version() + " · " + c.metric() + " (n=" + c.count() + ")");
                bands.add(c.lower() == null ? null : List.of(c.lower(), c.upper()));
                points.add(c.estimate());
            }
        }
        return intervalChart(labels, points, bands, "estimate", "interval", Map.of());
    }

    /** Horizontal: per label, a point (the estimate) and a floating bar (its interval); options added to the defaults. */
    private static Map<String, Object> intervalChart(List<String> labels, List<Object> points, List<Object> bands,
                                                     String pointLabel, String bandLabel, Map<String, Object> options) {
        Map<String, Object> all = new LinkedHashMap<>(Map.of("indexAxis", "y"));
        all.putAll(options);
        return Charts.chart("bar", labels, List.of(
                Map.of("type", "line", "label", pointLabel, "data", points, "showLine", false,
                        "pointRadius", 6, "backgroundColor", "#1d2430", "borderColor", "#1d2430"),
                Map.of("label", bandLabel, "data", bands, "backgroundColor", "rgba(31,95,191,0.35)",
                        "borderColor", "#1f5fbf", "borderWidth", 1)), all);
    }

    /**
     * Treatments against control: per treatment and success metric, the relative lift (percent) as a point and its
     * fixed-horizon interval as a floating bar, around the zero line; null when no metric has data yet.
     */
    private static Map<String, Object> liftChart(ExperimentResults r) {
        List<String> labels = new ArrayList<>();
        List<Object> bands = new ArrayList<>();
        List<Object> points = new ArrayList<>();
        for (ExperimentResults.TreatmentResult t : r.treatments()) {
            for (ExperimentResults.MetricComparison m : t.successMetrics()) {
                if (m.fixedHorizon() == null || !Double.isFinite(m.fixedHorizon().relativeLift())) {
                    continue; // no data yet, or a control mean of 0: no relative lift to draw
                }
                labels.add(t.arm() + " · " + m.metric());
                points.add(100 * m.fixedHorizon().relativeLift());
                var interval = m.fixedHorizon().liftInterval();
                bands.add(interval == null ? null : List.of(100 * interval.lower(), 100 * interval.upper()));
            }
        }
        if (labels.isEmpty()) {
            return null;
        }
        return intervalChart(labels, points, bands, "lift (%)", "interval (%)", Map.of("scales", Map.of("x",
                Map.of("title", Map.of("display", true, "text", "relative lift against control, %")))));
    }

    /** The ramp as the page shows and takes it: percent of units, without trailing zeros ({@code e.rampPercent}). */
    @TemplateExtension
    static String rampPercent(ExperimentView e) {
        return java.math.BigDecimal.valueOf(e.ramp() * 100).setScale(2, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }

    private static long id(String id) {
        return Names.requireId(id, "id");
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("no experiment " + id, "id");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

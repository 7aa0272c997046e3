package io.mptrec.governance.ui.tasks;

import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.experiment.service.ExperimentService;
import io.mptrec.governance.ui.page.FormNumbers;
import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.Requires;
import io.mptrec.governance.ui.page.Viewer;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.RollbackPreview;
import io.mptrec.registry.api.VersionRef;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.api.Views.TaskView;
import io.mptrec.registry.api.Views.VersionSummary;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Permission;
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

import java.util.List;
import java.util.Optional;

/** The tasks overview, one task's versions, and rolling production back. */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
public class TasksResource {

    private final Catalog catalog;
    private final Lifecycle lifecycle;
    private final Viewer viewer;
    private final ExperimentService experiments;

    public TasksResource(Catalog catalog, Lifecycle lifecycle, Viewer viewer, ExperimentService experiments) {
        this.catalog = catalog;
        this.lifecycle = lifecycle;
        this.viewer = viewer;
        this.experiments = experiments;
    }

    /** One row of the overview. {@code health} is a sentence; {@code level} is ok, warn or bad. */
    public record TaskRow(String name, String encoderSha256, Integer production, int versions, long openReviews,
                          long approved, long runningExperiments, String health, String level) {
    }

    /**
     * The registry's rollback preview in words, before anyone confirms it; {@code to} is null when the registry would
     * refuse (the change then says why).
     */
    public record RollbackPlan(int from, Integer to, List<Integer> candidates, String change) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(List<TaskRow> tasks);

        static native TemplateInstance task(TaskRow task, List<VersionSummary> versions, String done);

        static native TemplateInstance rollback(String task, RollbackPlan plan, String error);
    }

    @GET
    public TemplateInstance getOverview() {
        return Templates.overview(catalog.tasks().stream().map(this::row).toList());
    }

    @GET
    @Path("tasks/{task}")
    public TemplateInstance getTask(@RestPath String task, @RestQuery String done) {
        TaskView t = catalog.task(Names.requireName(task, "task"));
        return Templates.task(row(t), catalog.versions(t.name()),
                Pages.notice("Done: ", done));
    }

    @GET
    @Path("tasks/{task}/rollback")
    @Requires(value = Permission.RELEASE, action = "roll back production")
    public TemplateInstance getRollback(@RestPath String task, @RestQuery("target") String targetText) {
        String name = Names.requireName(task, "task");
        Integer target = FormNumbers.whole(targetText, "target", "Target version");
        return Templates.rollback(name, plan(name, target), null);
    }

    @POST
    @Path("tasks/{task}/rollback")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.RELEASE, action = "roll back production")
    public RestResponse<TemplateInstance> rollback(@RestPath String task, @RestForm String reason,
                                                   @RestForm("target") String targetText) {
        String name = Names.requireName(task, "task");
        Integer target = FormNumbers.whole(targetText, "target", "Target version");
        if (reason == null || reason.isBlank()) {
            return RestResponse.ResponseBuilder.create(RestResponse.Status.BAD_REQUEST,
                    Templates.rollback(name, plan(name, target), "A rollback needs a reason: say why production goes back.")).build();
        }
        int now = lifecycle.rollback(name, target, viewer.actor(), reason.strip()).number();
        return Pages.seeOther("/ui/tasks/" + name + "?done=rolled-back-to-v" + now);
    }



    private RollbackPlan plan(String task, Integer target) {
        RollbackPreview p = lifecycle.rollbackPreview(task, target, viewer.actor());
        if (!p.allowed()) {
            return new RollbackPlan(p.productionNow(), null, p.candidates(), "A rollback is not possible: "
                    + p.refusal() + ".");
        }
        String change = "production of '" + task + "' moves from v" + p.productionNow() + " back to v" + p.target()
                + "; v" + p.productionNow() + " becomes " + p.productionNowBecomes() + " and v" + p.target()
                + " RELEASED. " + experiments.productionMove(task, p.productionNow(), p.target());
        return new RollbackPlan(p.productionNow(), p.target(), p.candidates(), change);
    }

    private TaskRow row(TaskView task) {
        List<VersionSummary> all = catalog.versions(task.name());
        long open = all.stream().filter(v -> VersionStatus.IN_REVIEW.name().equals(v.status())).count();
        long approved = all.stream().filter(v -> VersionStatus.APPROVED.name().equals(v.status())).count();
        Optional<VersionRef> production = Optional.ofNullable(task.production())
                .map(number -> catalog.ref(task.name(), number));
        String health;
        String level;
        if (production.isEmpty()) {
            health = "no production version: requests for this task cannot be served";
            level = "bad";
        } else if (!production.get().encoderSha256().equals(task.encoderSha256())) {
            health = "production was trained for another encoder";
            level = "bad";
        } else if (open > 0) {
            health = "serving v" + task.production() + "; " + open + " waiting for review";
            level = "warn";
        } else {
            health = "serving v" + task.production();
            level = "ok";
        }
        long running = experiments.findAllExperimentViews().stream()
                .filter(e -> e.status() == ExperimentStatus.RUNNING && e.task().equals(task.name())).count();
        return new TaskRow(task.name(), task.encoderSha256(), task.production(), all.size(), open, approved,
                running, health, level);
    }
}

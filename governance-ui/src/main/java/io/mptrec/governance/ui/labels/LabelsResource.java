package io.mptrec.governance.ui.labels;

import io.mptrec.governance.ui.page.FormNumbers;
import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.Refusal;
import io.mptrec.governance.ui.page.Requires;
import io.mptrec.governance.ui.page.Viewer;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Permission;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.Views.TaskView;
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

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A task's labels: set a free label on a version (moving it if it points elsewhere) or remove it. production is
 * shown but not offered: it moves only through release and rollback. Refusals come back on this page, with the field.
 */
@Path("/ui/tasks/{task}/labels")
@Produces(MediaType.TEXT_HTML)
public class LabelsResource {

    private final Catalog catalog;
    private final Lifecycle lifecycle;
    private final Viewer viewer;

    public LabelsResource(Catalog catalog, Lifecycle lifecycle, Viewer viewer) {
        this.catalog = catalog;
        this.lifecycle = lifecycle;
        this.viewer = viewer;
    }

    public record LabelRow(String name, int version, String movedBy, Instant movedAt, boolean isProtected) {
    }

    /** The label form's words for the fields a refusal of it may name. */
    private static final Map<String, String> LABELS = Map.of("name", "name", "version", "version");

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance labels(String task, List<LabelRow> labels, List<Integer> versions, String done,
                                              String error, String name, Integer version);
    }

    @GET
    public TemplateInstance getLabels(@RestPath String task, @RestQuery String done,
                                      @RestQuery("version") String versionText) {
        Integer version = FormNumbers.whole(versionText, "version", "Version");
        return page(task, Pages.notice("Done: ", done), null, null, version);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.AUTHOR_PROMPTS, action = "set a label")
    public RestResponse<TemplateInstance> setLabel(@RestPath String task, @RestForm String name,
                                                   @RestForm String version) {
        String t = Names.requireName(task, "task");
        String label = name == null ? "" : name.strip();
        Integer chosen = null;
        try {
            int number = Names.requireVersionNumber(version == null ? "" : version.strip(), "version");
            chosen = number;
            lifecycle.setLabel(t, Names.requireName(label, "name"), number, viewer.actor());
            return Pages.seeOther("/ui/tasks/" + t + "/labels?done=" + label + "-now-on-v" + number);
        } catch (ApiException e) {
            return refused(t, Refusal.of(e, "Nothing was changed", LABELS), label, chosen);
        }
    }

    @POST
    @Path("{name}/remove")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.AUTHOR_PROMPTS, action = "remove a label")
    public RestResponse<TemplateInstance> removeLabel(@RestPath String task, @RestPath String name) {
        String t = Names.requireName(task, "task");
        try {
            lifecycle.removeLabel(t, Names.requireName(name, "name"), viewer.actor());
            return Pages.seeOther("/ui/tasks/" + t + "/labels?done=" + name + "-removed");
        } catch (ApiException e) {
            // the label is the address's, not a field of a form
            return refused(t, Refusal.of(e, "Nothing was changed", Map.of()), null, null);
        }
    }



    /** The page again, with the refusal in words (and its field) and the input kept: the name, the version chosen. */
    private RestResponse<TemplateInstance> refused(String task, Refusal refusal, String name, Integer version) {
        return refusal.page(page(task, null, refusal.message(), name, version));
    }

    private TemplateInstance page(String task, String done, String error, String name, Integer version) {
        // reads only: no transaction of the page's own
        TaskView t = catalog.task(Names.requireName(task, "task"));
        List<LabelRow> labels = t.labels().stream().map(l -> new LabelRow(l.name(), l.version(), l.movedBy(),
                l.movedAt(), Lifecycle.PRODUCTION.equals(l.name()))).toList();
        List<Integer> numbers = catalog.versions(t.name()).stream().map(VersionSummary::number).toList();
        return Templates.labels(t.name(), labels, numbers, done, error, name, version);
    }
}

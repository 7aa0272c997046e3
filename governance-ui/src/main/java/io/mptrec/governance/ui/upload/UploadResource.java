package io.mptrec.governance.ui.upload;

import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.Refusal;
import io.mptrec.governance.ui.page.Requires;
import io.mptrec.governance.ui.page.Viewer;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Permission;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.ArtifactException;
import io.mptrec.registry.api.ArtifactRefusals;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.Views.TaskView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * Upload a task prompt artifact (the zip {@code mptrec push} sends) as a task's next DRAFT version, through the same
 * checks as the API (task, registered encoder, shapes). Refusals come back on the form with the field and the reason.
 */
@Path("/ui/upload")
@Produces(MediaType.TEXT_HTML)
public class UploadResource {

    private final Catalog catalog;
    private final Viewer viewer;

    public UploadResource(Catalog catalog, Viewer viewer) {
        this.catalog = catalog;
        this.viewer = viewer;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance upload(String task, List<String> tasks, String error);
    }

    @GET
    @Requires(value = Permission.AUTHOR_PROMPTS, action = "upload a task prompt")
    public TemplateInstance getUpload(@RestQuery String task) {
        return Templates.upload(task, taskNames(), null);
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Requires(value = Permission.AUTHOR_PROMPTS, action = "upload a task prompt")
    public RestResponse<TemplateInstance> upload(@RestForm String task, @RestForm("artifact") FileUpload artifact) {
        String name = task == null ? "" : task.strip();
        try {
            Names.requireName(name, "task");
            if (artifact == null || artifact.size() == 0) {
                throw ApiException.badRequest("invalid-artifact", "choose the task prompt's zip file", "artifact");
            }
            ArtifactBundle bundle = ArtifactBundle.fromZip(Files.readAllBytes(artifact.uploadedFile()),
                    "uploaded task prompt");
            Catalog.Upload upload = catalog.upload(name, bundle, viewer.getName());
            int number = upload.version().number();
            return Pages.seeOther("/ui/tasks/" + name + "/versions/" + number + "?done="
                    + (upload.created() ? "uploaded-as-a-draft" : "already-stored-with-the-same-content"));
        } catch (ApiException e) {
            return refused(Refusal.of(e, "Nothing was stored", Map.of()), name);
        } catch (ArtifactException e) {
            // the registry's own words for it, as its API gives them (no parser internals, control characters by code)
            String detail = ArtifactRefusals.problem(e).detail();
            return refused(Refusal.of(ApiException.badRequest("invalid-artifact", "not a valid task prompt artifact: "
                    + detail, "artifact"), "Nothing was stored", Map.of()), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    /** The form again, with the task typed and the refusal in words. */
    private RestResponse<TemplateInstance> refused(Refusal refusal, String task) {
        return refusal.page(Templates.upload(task, taskNames(), refusal.message()));
    }

    private List<String> taskNames() {
        return catalog.tasks().stream().map(TaskView::name).toList();
    }
}

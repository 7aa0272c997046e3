package io.mptrec.governance.ui.reviews;

import io.mptrec.governance.ui.page.ActionForbidden;
import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.Viewer;
import io.mptrec.registry.problem.ApiException;
import io.mptrec.registry.security.Names;
import io.mptrec.registry.security.Roles;
import io.mptrec.registry.version.VersionStatus;
import io.mptrec.registry.version.mapping.VersionMapper;
import io.mptrec.registry.version.mapping.Views.VersionDetail;
import io.mptrec.registry.version.service.LifecycleService;
import io.mptrec.registry.version.service.VersionService;
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
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** The review queue: every version IN_REVIEW, approve or reject with a comment. Four-eyes is the server's rule. */
@Path("/ui/reviews")
@Produces(MediaType.TEXT_HTML)
public class ReviewsResource {

    private final VersionService versions;
    private final LifecycleService lifecycle;
    private final VersionMapper views;
    private final Viewer viewer;

    public ReviewsResource(VersionService versions, LifecycleService lifecycle, VersionMapper views, Viewer viewer) {
        this.versions = versions;
        this.lifecycle = lifecycle;
        this.views = views;
        this.viewer = viewer;
    }

    /** A version waiting for review, and whether this viewer may approve it (never its own author). */
    public record Review(VersionDetail version, boolean mayApprove, boolean mayReject, String why) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance queue(List<Review> reviews, String done);
    }

    @GET
    public TemplateInstance getQueue(@RestQuery String done) {
        List<Review> reviews = versions.findAllTasks().stream()
                .flatMap(t -> versions.findAllVersions(t.name).stream())
                .filter(v -> v.status == VersionStatus.IN_REVIEW)
                .map(v -> review(views.toDetail(v)))
                .toList();
        return Templates.queue(reviews, done);
    }

    @POST
    @Path("{task}/{number}/approve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public RestResponse<Object> approve(@RestPath String task, @RestPath String number, @RestForm String comment) {
        viewer.require("approve a version", Roles.APPROVER, Roles.ADMIN);
        int n = Names.requireVersionNumber(number, "version");
        lifecycle.approve(Names.requireName(task, "task"), n, viewer.actor(), blankToNull(comment), null);
        return Pages.seeOther("/ui/reviews?done=" + task + "-v" + n + "-approved");
    }

    @POST
    @Path("{task}/{number}/reject")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public RestResponse<Object> reject(@RestPath String task, @RestPath String number, @RestForm String comment) {
        viewer.require("reject a version", Roles.APPROVER, Roles.ADMIN);
        int n = Names.requireVersionNumber(number, "version");
        lifecycle.reject(Names.requireName(task, "task"), n, viewer.actor(), blankToNull(comment));
        return Pages.seeOther("/ui/reviews?done=" + task + "-v" + n + "-rejected");
    }

    @ServerExceptionMapper
    public RestResponse<TemplateInstance> problem(ApiException e) {
        return Pages.problem(e);
    }

    @ServerExceptionMapper
    public RestResponse<TemplateInstance> forbidden(ActionForbidden e) {
        return Pages.forbidden(e);
    }

    private Review review(VersionDetail v) {
        if (!viewer.isApprover()) {
            return new Review(v, false, false, "Only a prompt-approver decides; you can read the queue.");
        }
        if (v.author().equals(viewer.getName())) {
            return new Review(v, false, true, "You uploaded this version, so another approver must approve it (four-eyes).");
        }
        return new Review(v, true, true, null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

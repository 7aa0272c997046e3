package io.mptrec.governance.ui.reviews;

import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.Refusal;
import io.mptrec.governance.ui.page.Requires;
import io.mptrec.governance.ui.page.Viewer;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Permission;
import io.mptrec.registry.api.ApprovalPreview;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.api.Views.VersionDetail;
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
import java.util.Map;

/** The review queue: every version IN_REVIEW, approve or reject with a comment. Four-eyes is the server's rule. */
@Path("/ui/reviews")
@Produces(MediaType.TEXT_HTML)
public class ReviewsResource {

    private final Catalog catalog;
    private final Lifecycle lifecycle;
    private final Viewer viewer;

    public ReviewsResource(Catalog catalog, Lifecycle lifecycle, Viewer viewer) {
        this.catalog = catalog;
        this.lifecycle = lifecycle;
        this.viewer = viewer;
    }

    /**
     * A version waiting for review, and whether this viewer may approve it (never its own author) or, as an admin who
     * is its author, approve it with the flagged bypass of four-eyes; after a refused decision on it, the comment as
     * typed and the refusal.
     */
    public record Review(VersionDetail version, boolean mayApprove, boolean mayReject, boolean mayBypass, String why,
                         String comment, String error) {

        Review refused(String typed, String refusal) {
            return new Review(version, mayApprove, mayReject, mayBypass, why, typed, refusal);
        }
    }

    /** The review form's words for the fields a refusal of a decision may name. */
    private static final Map<String, String> LABELS = Map.of("comment", "comment");

    /** The bypass form's words for the fields a refusal of it may name. */
    private static final Map<String, String> BYPASS_LABELS = Map.of("reason", "reason", "comment", "review comment");

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance queue(List<Review> reviews, String done, String error);

        static native TemplateInstance bypass(VersionDetail v, String error, String reason, String comment);
    }

    @GET
    public TemplateInstance getQueue(@RestQuery String done) {
        return Templates.queue(reviews(), Pages.done(done), null);
    }

    @POST
    @Path("{task}/{number}/approve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.REVIEW, action = "approve a version")
    public RestResponse<Object> approve(@RestPath String task, @RestPath String number, @RestForm String comment) {
        int n = Names.requireVersionNumber(number, "version");
        String t = Names.requireName(task, "task");
        try {
            lifecycle.approve(t, n, viewer.actor(), blankToNull(comment), null);
        } catch (ApiException e) {
            return refused(t, n, comment, e);
        }
        return Pages.seeOther("/ui/reviews?done=" + t + "-v" + n + "-approved");
    }

    @POST
    @Path("{task}/{number}/reject")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.REVIEW, action = "reject a version")
    public RestResponse<Object> reject(@RestPath String task, @RestPath String number, @RestForm String comment) {
        int n = Names.requireVersionNumber(number, "version");
        String t = Names.requireName(task, "task");
        try {
            lifecycle.reject(t, n, viewer.actor(), blankToNull(comment));
        } catch (ApiException e) {
            return refused(t, n, comment, e);
        }
        return Pages.seeOther("/ui/reviews?done=" + t + "-v" + n + "-rejected");
    }

    /** The admin bypass of four-eyes: a page of its own that says what it is, and a reason that goes to the audit log. */
    @GET
    @Path("{task}/{number}/bypass")
    @Requires(value = Permission.BYPASS, action = "bypass four-eyes")
    public TemplateInstance getBypass(@RestPath String task, @RestPath String number) {
        return Templates.bypass(bypassable(task, number), null, null, null);
    }

    @POST
    @Path("{task}/{number}/bypass")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Requires(value = Permission.BYPASS, action = "bypass four-eyes")
    public RestResponse<?> bypass(@RestPath String task, @RestPath String number, @RestForm String reason,
                                  @RestForm String comment) {
        VersionDetail v = bypassable(task, number);
        try {
            if (reason == null || reason.isBlank()) {
                throw ApiException.badRequest("reason-required", "a bypass of four-eyes needs a reason; it is kept in"
                        + " the audit log", "reason");
            }
            lifecycle.approve(v.task(), v.number(), viewer.actor(), blankToNull(comment), reason.strip());
        } catch (ApiException e) {
            Refusal refusal = Refusal.of(e, "Nothing was changed", BYPASS_LABELS);
            return refusal.page(Templates.bypass(v, refusal.message(), reason, comment));
        }
        return Pages.seeOther("/ui/tasks/" + v.task() + "/versions/" + v.number() + "?done=approved-with-an-admin-bypass-of-four-eyes");
    }



    /**
     * A refused decision: the queue again, the comment as typed and the refusal next to the version's form (on top
     * when the version has left the queue meanwhile). A version the address does not name is the error page's.
     */
    private RestResponse<Object> refused(String task, int number, String comment, ApiException e) {
        if (e.problem().status() == 404) {
            throw e;
        }
        Refusal refusal = Refusal.of(e, "Nothing was changed", LABELS);
        List<Review> reviews = reviews().stream().map(r -> r.version().task().equals(task)
                && r.version().number() == number ? r.refused(comment, refusal.message()) : r).toList();
        boolean shown = reviews.stream().anyMatch(r -> r.error() != null);
        return refusal.page(Templates.queue(reviews, null, shown ? null : refusal.message()));
    }

    /** Every version IN_REVIEW, with what this viewer may do about it. */
    private List<Review> reviews() {
        return catalog.tasks().stream()
                .flatMap(t -> catalog.versions(t.name()).stream())
                .filter(v -> VersionStatus.IN_REVIEW.name().equals(v.status()))
                .map(v -> review(catalog.version(v.task(), v.number())))
                .toList();
    }

    private Review review(VersionDetail v) {
        if (!viewer.isApprover()) {
            return new Review(v, false, false, false, "Only a prompt-approver decides; you can read the queue.", null,
                    null);
        }
        ApprovalPreview approval = lifecycle.approvalPreview(v.task(), v.number(), viewer.actor());
        if (approval.bypass()) {
            return new Review(v, false, true, approval.allowed(), "You uploaded this version, so another approver must "
                    + "approve it (four-eyes)" + (approval.allowed() ? ", unless you bypass that as admin, with a reason."
                    : "."), null, null);
        }
        return new Review(v, true, true, false, null, null, null);
    }

    /** Only the author's own IN_REVIEW version needs (and may get) a bypass; anything else is refused in words. */
    private VersionDetail bypassable(String task, String number) {
        VersionDetail v = catalog.version(Names.requireName(task, "task"), Names.requireVersionNumber(number, "version"));
        ApprovalPreview approval = lifecycle.approvalPreview(v.task(), v.number(), viewer.actor());
        if (approval.status() != VersionStatus.IN_REVIEW) {
            throw ApiException.conflict("invalid-transition", approval.refusal());
        }
        if (!approval.bypass()) {
            throw ApiException.conflict("no-bypass-needed", approval.author() + " uploaded version " + v.number()
                    + ", not you: four-eyes holds, so approve it in the review queue without a bypass");
        }
        return v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

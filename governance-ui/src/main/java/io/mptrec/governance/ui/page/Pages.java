package io.mptrec.governance.ui.page;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.problem.Problem;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.regex.Pattern;
import java.util.UUID;

/**
 * Pages shared by every feature: the error page (a refusal explained in words, never a stack trace) and
 * redirects after a successful form post (303, so a reload does not post again).
 */
public final class Pages {

    /** What the pages write after {@code ?done=}: words, names and numbers (12.5) joined by hyphens. */
    private static final Pattern DONE = Pattern.compile("[a-z0-9_]+(-([a-z0-9_]+|[0-9]+\\.[0-9]+))*");

    private static final Logger LOG = Logger.getLogger(Pages.class);

    private Pages() {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(String heading, String detail, String hint, int status);

        /** Stands alone (no header): a refused form has no CSRF token to give the sign-out form. */
        static native TemplateInstance refused();

        /** Stands alone as well: no page matched, so no CSRF token either. */
        static native TemplateInstance missing();
    }

    public static RestResponse<TemplateInstance> problem(ApiException e) {
        Problem p = e.problem();
        String hint = switch (p.status()) {
            case 404 -> "Check the address, or start again from the task list.";
            case 409 -> "Nothing was changed. Reload the page to see the current state.";
            default -> "Nothing was changed. Correct the input and try again.";
        };
        return page(p.status(), p.title(), p.detail(), hint);
    }

    public static RestResponse<TemplateInstance> forbidden(ActionForbidden e) {
        return page(403, "Not allowed", e.getMessage(), "Nothing was changed.");
    }

    /** An unexpected failure: logged with a reference the person can quote, shown without internals. */
    public static RestResponse<TemplateInstance> unexpected(Throwable e) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf(e, "page failed (reference %s)", reference);
        return page(500, "Something went wrong", "The server could not complete this page (reference " + reference
                + ").", "Nothing was changed that you were not told about. Try again, or quote the reference to an operator.");
    }

    public static RestResponse<TemplateInstance> page(int status, String heading, String detail, String hint) {
        return RestResponse.ResponseBuilder.<TemplateInstance>create(status)
                .entity(Templates.error(heading, detail, hint, status)).type(MediaType.TEXT_HTML).build();
    }

    /**
     * What an action's redirect says it did ({@code ?done=released-to-production}), as words; null when the address
     * holds none, or holds anything but what the pages write there: lower-case words, names and numbers joined by
     * hyphens. The address is anyone's to type, and a notice on a trusted page saying "sign in again at
     * https://..." would be theirs.
     */
    public static String done(String slug) {
        return slug != null && slug.length() <= 300 && DONE.matcher(slug).matches() ? slug.replace('-', ' ') : null;
    }

    /** The notice of {@link #done}: {@code lead}, its words and a full stop; null when there is none. */
    public static String notice(String lead, String slug) {
        String words = done(slug);
        return words == null ? null : lead + words + ".";
    }

    public static <T> RestResponse<T> seeOther(String location) {
        return RestResponse.ResponseBuilder.<T>create(RestResponse.Status.SEE_OTHER).location(URI.create(location)).build();
    }
}

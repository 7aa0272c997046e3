package io.mptrec.governance.ui.page;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Under /ui, responses made outside the pages become pages: the CSRF filter's bare 400 for a form post without this
 * session's token (an old tab, an expired token, or a post from another site), a body of a type the page does not
 * take (415: no page form sends one, so it is refused like a forged form), and the 404 of an unknown address. Under
 * /api, the same filter's bare 400 (a form content type without a token, which no API client needs) becomes the
 * API's problem+json.
 */
public class RefusedFormFilter {

    @ServerResponseFilter
    public void explainRefusedForm(ContainerRequestContext request, ContainerResponseContext response) {
        boolean page = request.getUriInfo().getPath().startsWith("/ui");
        boolean change = !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod());
        boolean bare = !response.hasEntity() || response.getEntity() instanceof io.mptrec.kernel.problem.Problem;
        if (page && change && bare && (response.getStatus() == 400 || response.getStatus() == 415)) {
            response.setStatus(400);
            response.setEntity(Pages.Templates.refused().render(), null, MediaType.TEXT_HTML_TYPE);
        } else if (!page && change && !response.hasEntity() && response.getStatus() == 400) {
            response.setEntity(io.mptrec.kernel.problem.Problem.of(400, "form-not-accepted", "Bad request",
                    "the API takes JSON (or an artifact zip), not a form", "body"), null,
                    MediaType.valueOf(io.mptrec.kernel.problem.Problem.MEDIA_TYPE));
        } else if (response.getStatus() == 404 && response.getEntity() instanceof io.mptrec.kernel.problem.Problem
                && request.getUriInfo().getPath().startsWith("/ui")) {
            // an address no page answers to: a page in words rather than the API's problem+json
            response.setEntity(Pages.Templates.missing().render(), null, MediaType.TEXT_HTML_TYPE);
        }
    }
}

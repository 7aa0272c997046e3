package io.mptrec.governance.ui.page;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The CSRF filter refuses a form post with a bare 400. Under /ui that becomes a page that says what happened:
 * the form did not carry this session's token (an old tab, an expired token, or a post from another site).
 */
public class RefusedFormFilter {

    @ServerResponseFilter
    public void explainRefusedForm(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() == 400 && !response.hasEntity() && "POST".equals(request.getMethod())
                && request.getUriInfo().getPath().startsWith("/ui")) {
            response.setEntity(Pages.Templates.refused().render(), null, MediaType.TEXT_HTML_TYPE);
        }
    }
}

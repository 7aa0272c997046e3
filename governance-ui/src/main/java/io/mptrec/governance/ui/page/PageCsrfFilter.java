package io.mptrec.governance.ui.page;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Set;

/**
 * Every state-changing request under /ui needs this session's CSRF token, whatever it carries. quarkus-rest-csrf
 * checks a form body's hidden field (url-encoded or multipart) or the {@code X-CSRF-TOKEN} header, but lets a
 * request with neither a form body nor the header through (no body, JSON, text): those are refused here, before
 * any page is matched, so that no page method can be reached without a token.
 */
public class PageCsrfFilter {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    @ServerRequestFilter(preMatching = true)
    public Response requireToken(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (SAFE.contains(request.getMethod()) || !(path.equals("/ui") || path.startsWith("/ui/"))) {
            return null;
        }
        String header = request.getHeaderString("X-CSRF-TOKEN");
        if (header != null && !header.isBlank()) {
            return null; // quarkus-rest-csrf compares it with the cookie
        }
        if (isForm(request.getMediaType())) {
            return null; // quarkus-rest-csrf reads the form and compares its field with the cookie
        }
        return refused();
    }

    static boolean isForm(MediaType type) {
        return type != null && (type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                || type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE)) && !type.isWildcardType()
                && !type.isWildcardSubtype();
    }

    static Response refused() {
        return Response.status(400).entity(Pages.Templates.refused().render()).type(MediaType.TEXT_HTML_TYPE).build();
    }
}

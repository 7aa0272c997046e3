package io.mptrec.governance.ui.page;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.problem.ProblemMappers;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one exception mapper of the pages: a refusal under {@code /ui} becomes an error page in words
 * ({@link Pages#problem}, {@link Pages#forbidden}).
 *
 * <p>RESTEasy Reactive has no path-scoped mappers: a {@code @ServerExceptionMapper} in a resource class applies to that
 * class only, one in any other class to every request. So this one is global, outranks the registry's problem+json
 * mapper for {@link ApiException} ({@link ProblemMappers#api}) by priority, and hands every request outside
 * {@code /ui} back to it unchanged: the API keeps its problem+json.
 */
public class PageErrors {

    private final ProblemMappers api;

    public PageErrors(ProblemMappers api) {
        this.api = api;
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response problem(ApiException e, UriInfo uri) {
        return isPage(uri) ? Pages.problem(e).toResponse() : api.api(e).toResponse();
    }

    /** Only the pages throw it. */
    @ServerExceptionMapper
    public Response forbidden(ActionForbidden e) {
        return Pages.forbidden(e).toResponse();
    }

    private static boolean isPage(UriInfo uri) {
        String path = uri.getPath();
        return path.equals("/ui") || path.startsWith("/ui/");
    }
}

package io.mptrec.kernel.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.ForbiddenException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.stream.Collectors;

/**
 * Every error of the application leaves as problem+json: no stack traces, no 500 for bad input, a 409 that says why.
 * The one set of mappers for the API of every module; a module adds a mapper only for an exception of its own (the
 * registry's invalid artifacts).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public RestResponse<Problem> api(ApiException e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper
    public RestResponse<Problem> validation(ConstraintViolationException e) {
        ConstraintViolation<?> first = e.getConstraintViolations().iterator().next();
        String detail = e.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + " " + v.getMessage())
                .sorted().collect(Collectors.joining("; "));
        return respond(Problem.of(400, "invalid-input", "Invalid input", detail,
                lastNode(first.getPropertyPath().toString())));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> json(JsonProcessingException e) {
        String field = null;
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            field = m.getPath().get(m.getPath().size() - 1).getFieldName();
        }
        String detail = e instanceof InvalidFormatException f
                ? "value " + f.getValue() + " is not a " + f.getTargetType().getSimpleName()
                : e instanceof MismatchedInputException ? "body does not match the expected shape"
                : "body is not valid JSON";
        return respond(Problem.of(400, "malformed-json", "Malformed JSON", detail, field));
    }

    /** Declared apart: quarkus-rest-jackson ships its own (body-less) mapper for this subtype. */
    @ServerExceptionMapper
    public RestResponse<Problem> mismatchedInput(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "forbidden", "Forbidden", "your roles do not allow this operation", null));
    }

    /** Losers of a concurrent change: an optimistic-lock failure or a unique constraint (e.g. one production per task). */
    @ServerExceptionMapper
    public RestResponse<Problem> persistence(PersistenceException e) {
        Problem conflict = conflict(e);
        if (conflict != null) {
            return respond(conflict);
        }
        LOG.error("persistence failure", e);
        return respond(Problem.of(500, "internal", "Internal error", "the change could not be stored", null));
    }

    /**
     * The 409 of a change that lost to a concurrent one, if the cause chain says so: an optimistic-lock failure or a
     * constraint violation, raised at flush or at commit. At commit it arrives wrapped (a {@code RollbackException}
     * from the transaction manager, wrapped again by the interceptor), so every mapper that may see it looks here.
     */
    public static Problem conflict(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof OptimisticLockException || t instanceof StaleStateException) {
                return Problem.of(409, "concurrent-change", "Conflict",
                        "another change to the same task or version was committed first; reload and retry", null);
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException c) {
                return Problem.of(409, "concurrent-change", "Conflict",
                        "the change conflicts with one committed concurrently (constraint " + c.getConstraintName() + ")", null);
            }
        }
        return null;
    }

    @ServerExceptionMapper
    public RestResponse<Problem> web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);  // the JSON reader wraps parse errors in a 400
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        // The message of a framework exception may echo internals; the status reason is enough.
        return respond(Problem.of(status.getStatusCode(), "http-" + status.getStatusCode(), status.getReasonPhrase(),
                status.getReasonPhrase(), null));
    }

    /**
     * Anything the mappers above do not know: a 500 problem that names no internals (the message of an unexpected
     * exception may hold SQL or file paths), logged here with its stack trace; or the 409 of a change that lost at
     * commit ({@link #conflict}). Framework exceptions with mappers of
     * their own (authentication, redirects) keep them: the most specific mapper wins.
     */
    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(RuntimeException e) {
        Problem conflict = conflict(e);
        if (conflict != null) {
            return respond(conflict); // lost at commit: e.g. ArcUndeclaredThrowableException > RollbackException > StaleObjectStateException
        }
        LOG.error("unexpected failure", e);
        return respond(Problem.of(500, "internal", "Internal error",
                "the request failed on the server; the server's log has the cause", null));
    }

    private static String lastNode(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** The response that carries a problem, with its status and media type. */
    public static RestResponse<Problem> respond(Problem problem) {
        return RestResponse.ResponseBuilder.<Problem>create(problem.status())
                .entity(problem).type(Problem.MEDIA_TYPE).build();
    }
}

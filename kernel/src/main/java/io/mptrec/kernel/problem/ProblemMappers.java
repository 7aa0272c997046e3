package io.mptrec.kernel.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.ConfigProvider;
import org.hibernate.StaleStateException;
import org.hibernate.exception.LockAcquisitionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
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
                .map(v -> field(v) + " " + v.getMessage())
                .sorted().collect(Collectors.joining("; "));
        return respond(Problem.of(400, "invalid-input", "Invalid input", detail, field(first)));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> json(JsonProcessingException e) {
        return respond(jsonProblem(e));
    }

    /**
     * The 400 of a body that is not what the operation reads, naming the field where one applies: the path of a value
     * of the wrong type ({@code events[1].value}), of an unknown property, or of a key given twice. Never echoes the
     * parser's message (it may quote the body at length). A refusal raised under the parser by the stream it reads (a
     * body past its limit, counted as it is read) answers as itself: Jackson wraps it when a value was being read.
     */
    public static Problem jsonProblem(JsonProcessingException e) {
        ApiException refusal = cause(e, ApiException.class);
        if (refusal != null) {
            return refusal.problem();
        }
        String field = null;
        String detail;
        StreamReadException duplicate = duplicateKey(e);
        InputCoercionException range = cause(e, InputCoercionException.class);
        StreamConstraintsException limit = cause(e, StreamConstraintsException.class);
        if (limit != null) { // e.g. a name of 100,000 characters: valid JSON past one of the parser's limits
            String message = String.valueOf(limit.getOriginalMessage());
            int internals = message.indexOf(", from `");
            detail = "the body is past a limit of the JSON reader: "
                    + (internals < 0 ? "too large" : message.substring(0, internals) + ")");
        } else if (duplicate != null) { // wrapped with the path of the list element it was found in, or not at all
            field = contextPath(duplicate);
            detail = "the key " + quoted(field) + " appears more than once in an object";
        } else if (range != null) { // e.g. 1e20 for an integer
            field = contextPath(range);
            detail = (field == null ? "the body" : field) + " is a number out of range for its type";
        } else if (e instanceof UnrecognizedPropertyException u) {
            field = path(u.getPath());
            detail = "unknown property " + quoted(u.getPropertyName());
        } else if (e instanceof InvalidFormatException f) {
            field = path(f.getPath());
            detail = "value " + quoted(String.valueOf(f.getValue())) + " is not " + typeName(f.getTargetType());
        } else if (e instanceof MismatchedInputException m) {
            field = path(m.getPath());
            detail = m.getTargetType() == null ? "body does not match the expected shape"
                    : "body does not match the expected shape: " + (field == null ? "the body" : field) + " must be "
                    + typeName(m.getTargetType());
        } else {
            // where the parser stopped, so a client can find it (its own message may quote the body at length)
            var at = e.getLocation();
            field = "body";
            detail = "body is not valid JSON" + (at == null || at.getLineNr() < 1 ? ""
                    : String.format(java.util.Locale.ROOT, " (line %d, column %d)", at.getLineNr(), at.getColumnNr()));
        }
        return Problem.of(400, "malformed-json", "Malformed JSON", detail, field);
    }

    /** {@code a.b[2].c} from Jackson's reference chain; null for the whole body. */
    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : references) {
            if (r.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? null : out.toString();
    }

    private static StreamReadException duplicateKey(Throwable e) {
        StreamReadException r = cause(e, StreamReadException.class);
        return r != null && r.getOriginalMessage() != null && r.getOriginalMessage().startsWith("Duplicate field")
                ? r : null;
    }

    /** The exception or its first cause of that type: parse errors come wrapped in the path of a list element. */
    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The path where the parser stopped (a duplicated key, a number out of range), from its context. */
    private static String contextPath(StreamReadException e) {
        JsonParser parser = e.getProcessor();
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = parser == null ? null : parser.getParsingContext(); c != null && !c.inRoot();
             c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                parts.addFirst("." + c.getCurrentName());
            } else if (c.inArray()) {
                parts.addFirst("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path.isEmpty() ? null : path;
    }

    private static String typeName(Class<?> type) {
        if (type == String.class) {
            return "a text";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "a whole number"; // in words: the Java type's name means nothing to a client
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    /** At most 100 characters of a value taken from the body, quoted. */
    private static String quoted(String value) {
        String v = String.valueOf(value);
        return "'" + (v.length() > 100 ? v.substring(0, 100) + "..." : v) + "'";
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

    /**
     * An operation that needs a user, called without credentials: 401 problem+json with the challenge of the API's
     * sign-in ({@code mptrec.api.auth-challenge}: HTTP Basic with the embedded users, Bearer with an identity
     * provider), so that a client that waits for a challenge before it sends credentials can sign in. Quarkus REST's
     * own answer was a plain text labelled JSON, without a challenge.
     */
    @ServerExceptionMapper
    public RestResponse<Problem> unauthorized(UnauthorizedException e) {
        return RestResponse.ResponseBuilder.<Problem>create(401)
                .entity(Problem.of(401, "unauthorized", "Unauthorized", "this operation needs a signed-in user", null))
                .type(Problem.MEDIA_TYPE).header("WWW-Authenticate", apiChallenge()).build();
    }

    /** The challenge of the API's sign-in, for every 401 of the API ({@code mptrec.api.auth-challenge}). */
    public static String apiChallenge() {
        return ConfigProvider.getConfig().getOptionalValue("mptrec.api.auth-challenge", String.class)
                .orElse("Basic realm=\"mptrec\"");
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
            if (t instanceof OptimisticLockException || t instanceof StaleStateException
                    || t instanceof PessimisticLockException || t instanceof LockAcquisitionException) {
                // a stale stamp, or a wait for a concurrent change's row that the database ended (deadlock, timeout)
                return Problem.of(409, "concurrent-change", "Conflict",
                        "another change to the same task or version was committed first; reload and retry", null);
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException c) {
                // the constraint's name is the database's (PUBLIC.UK_..._INDEX_7 on H2): for the log, not the client
                LOG.infof("a change lost to a concurrent one on constraint %s", c.getConstraintName());
                return Problem.of(409, "concurrent-change", "Conflict",
                        "the change conflicts with one committed concurrently; reload and retry", null);
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

    /**
     * The field a violation is about, as a client writes it ({@code arms[1].name}, {@code guardrails[0]}): the
     * property path without the method, with list indices; the parameter's name ({@code body}) when the violation is
     * about a whole parameter.
     */
    static String field(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder();
        String parameter = null;
        for (jakarta.validation.Path.Node node : violation.getPropertyPath()) {
            switch (node.getKind()) {
                case PARAMETER -> parameter = node.getName();
                case PROPERTY, BEAN, CONTAINER_ELEMENT -> {
                    if (node.isInIterable() && node.getIndex() != null) {
                        field.append('[').append(node.getIndex()).append(']');
                    } else if (node.isInIterable() && node.getKey() != null) {
                        field.append('[').append(node.getKey()).append(']');
                    }
                    if (node.getKind() == jakarta.validation.ElementKind.PROPERTY && node.getName() != null) {
                        field.append(field.isEmpty() ? "" : ".").append(node.getName());
                    }
                }
                default -> {
                    // the method (or constructor) the parameter belongs to: not part of what the client sent
                }
            }
        }
        return field.isEmpty() ? parameter : field.toString();
    }

    /** The response that carries a problem, with its status and media type. */
    public static RestResponse<Problem> respond(Problem problem) {
        return RestResponse.ResponseBuilder.<Problem>create(problem.status())
                .entity(problem).type(Problem.MEDIA_TYPE).build();
    }
}

package io.mptrec.kernel.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An error body after RFC 9457 ({@code application/problem+json}). {@code type} is a stable relative URI per
 * kind of problem, {@code detail} says what happened to this request, {@code field} names the offending input.
 * Named as a schema so that the OpenAPI document holds it for {@link ProblemResponses} to reference.
 */
@Schema(name = "Problem", description = "An error (RFC 9457)")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String slug, String title, String detail, String field) {
        return new Problem("/problems/" + slug, title, status, detail, field);
    }
}

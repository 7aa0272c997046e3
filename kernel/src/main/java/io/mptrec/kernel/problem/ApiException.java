package io.mptrec.kernel.problem;

/** A refusal the service decides on (bad input, unknown id, forbidden transition), carried to the edge as a {@link Problem}. */
public class ApiException extends RuntimeException {

    private final transient Problem problem;

    private ApiException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ApiException badRequest(String slug, String detail, String field) {
        return new ApiException(Problem.of(400, slug, "Bad request", detail, field));
    }

    /** A body larger than the operation takes; the detail says the limit. */
    public static ApiException tooLarge(String detail, String field) {
        return new ApiException(Problem.of(413, "body-too-large", "Content too large", detail, field));
    }

    public static ApiException notFound(String detail, String field) {
        return new ApiException(Problem.of(404, "not-found", "Not found", detail, field));
    }

    /** A dependency (the database, a queue in front of it) cannot take the request now; the client may retry. */
    public static ApiException unavailable(String slug, String detail) {
        return new ApiException(Problem.of(503, slug, "Service unavailable", detail, null));
    }

    /** A transition or change the current state does not allow; the detail says why. */
    public static ApiException conflict(String slug, String detail) {
        return new ApiException(Problem.of(409, slug, "Conflict", detail, null));
    }
}

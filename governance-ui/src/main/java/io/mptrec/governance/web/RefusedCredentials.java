package io.mptrec.governance.web;

import io.mptrec.kernel.problem.Problem;
import io.mptrec.kernel.problem.ProblemMappers;
import io.quarkus.security.AuthenticationFailedException;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Credentials the API refuses (a wrong password, a malformed or expired token) answer 401 problem+json with the API's
 * challenge, as an operation called without credentials does ({@code ProblemMappers.unauthorized}): Quarkus refuses
 * them before any resource runs, with an empty body. The pages' sign-in form keeps its own answer (its error page).
 */
@ApplicationScoped
public class RefusedCredentials {

    void register(@Observes Router router) {
        router.route().failureHandler(this::refuse);
    }

    void refuse(RoutingContext rc) {
        if (!(rc.failure() instanceof AuthenticationFailedException) || rc.response().ended()
                || rc.response().headWritten() || rc.request().getHeader("Authorization") == null) {
            rc.next();
            return;
        }
        Problem problem = Problem.of(401, "unauthorized", "Unauthorized",
                "the credentials were refused: a wrong user name or password, or a token that is not valid", null);
        rc.response().setStatusCode(401).putHeader("WWW-Authenticate", ProblemMappers.apiChallenge())
                .putHeader("Content-Type", Problem.MEDIA_TYPE).end(Json.encode(problem));
    }
}

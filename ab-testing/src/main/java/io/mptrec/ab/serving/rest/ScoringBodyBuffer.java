package io.mptrec.ab.serving.rest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mptrec.ab.config.AbConfig;
import io.mptrec.kernel.rest.BodyLimit;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import static io.vertx.core.http.HttpVersion.HTTP_2;

/**
 * Reads a score request's body whole on the I/O thread, after authentication and before the worker thread runs the
 * endpoint, which then parses it from memory (Quarkus REST takes a body read before it instead of streaming it).
 *
 * <p>Without it the worker reads the body as a blocking stream: for every chunk that arrives it asks the I/O thread
 * for more and waits for it, two thread wake-ups a chunk (a 100-candidate body arrives in several). On a 2-vCPU host
 * a 100-candidate request took 1.3-1.5 times the CPU it takes read whole (ab-testing/BENCHMARK.md, "The body read
 * whole").
 *
 * <p>Only the body of an authenticated HTTP/1.x request that declares its length within the scoring limit is read this
 * way. Any other goes on to the endpoint as a stream: an anonymous request is refused by the role check before its body
 * is read, one too large or sent in chunks by {@link ScoringBodyLimit} with a problem. An HTTP/2 request cannot be
 * read first: Quarkus REST pauses every request it takes, and Vert.x refuses to pause an HTTP/2 request already read.
 * {@link ScoreRequestReader} reads either kind of body.
 */
@ApplicationScoped
public class ScoringBodyBuffer {

    /** Score request bodies read whole before the endpoint ran (the others were streamed to it). */
    public static final String READ_WHOLE = "mptrec.serving.bodies.read.whole";

    /** After authentication (order -200) and the HTTP permission checks (-100), before the REST endpoints. */
    static final int ORDER = -50;

    void install(@Observes Router router, AbConfig config, MeterRegistry meters) {
        long limit = config.serving().maxBodyBytes();
        BodyHandler whole = BodyHandler.create(false).setBodyLimit(limit).setPreallocateBodyBuffer(true);
        Counter readWhole = Counter.builder(READ_WHOLE)
                .description("Score request bodies read whole on the I/O thread before the endpoint ran")
                .register(meters);
        router.route(HttpMethod.POST, ScoreResource.PATH).order(ORDER).handler(context -> {
            if (authenticated(context) && declaredWithin(context, limit) && context.request().version() != HTTP_2) {
                whole.handle(context);
            } else {
                context.next();
            }
        });
        // counted where the endpoint's route is next: what was read whole by the time the endpoint runs
        router.route(HttpMethod.POST, ScoreResource.PATH).order(ORDER + 1).handler(context -> {
            if (context.body().available()) {
                readWhole.increment();
            }
            context.next();
        });
    }

    /** An anonymous request is refused by the endpoint's role check before its body is read: not read here either. */
    private static boolean authenticated(RoutingContext context) {
        return context.user() instanceof QuarkusHttpUser user && !user.getSecurityIdentity().isAnonymous();
    }

    private static boolean declaredWithin(RoutingContext context, long limit) {
        long declared = BodyLimit.declaredLength(context.request().getHeader(HttpHeaders.CONTENT_LENGTH));
        return declared >= 0 && declared <= limit;
    }
}

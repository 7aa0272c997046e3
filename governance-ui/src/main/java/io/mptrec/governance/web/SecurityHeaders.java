package io.mptrec.governance.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.impl.ServerCookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on every response (pages, API, static files, /q, refusals of authentication): no framing, no
 * content sniffing, no referrer sent to other sites, and a Content-Security-Policy that allows scripts and styles
 * from this origin only (the pages have no inline script, style or handler; their chart data sits in
 * {@code <script type="application/json">}, which is data and never runs). Swagger UI's page starts itself with an
 * inline script, so under /q/swagger-ui inline scripts and styles are allowed and nothing else changes.
 *
 * <p>Over HTTPS (also behind a TLS-terminating proxy once quarkus.http.proxy trusts its forwarded headers) every
 * cookie set by the response is marked Secure: the session, the CSRF and the sign-in token cookies.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String PAGES_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
    static final String SWAGGER_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
            + "frame-ancestors 'none'";
    /** Before every other filter, so that responses they end early carry the headers too. */
    static final int PRIORITY = 1000;

    void register(@Observes Filters filters) {
        filters.register(this::addHeaders, PRIORITY);
    }

    void addHeaders(RoutingContext rc) {
        String path = rc.normalizedPath();
        rc.addHeadersEndHandler(ignored -> {
            MultiMap headers = rc.response().headers();
            headers.set("Content-Security-Policy", path.startsWith("/q/swagger-ui") ? SWAGGER_CSP : PAGES_CSP);
            headers.set("X-Frame-Options", "DENY");
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "same-origin");
            if ("https".equals(rc.request().scheme())) {
                for (Cookie cookie : rc.request().cookies()) {
                    if (cookie instanceof ServerCookie set && set.isChanged()) {
                        set.setSecure(true);
                    }
                }
            }
        });
        rc.next();
    }
}

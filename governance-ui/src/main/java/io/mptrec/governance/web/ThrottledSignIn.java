package io.mptrec.governance.web;

import io.mptrec.kernel.problem.Problem;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Applies {@link SignInThrottle} to both ways of giving a password, as an HTTP filter around authentication. HTTP
 * Basic: a locked-out user name or address gets 429 problem+json with Retry-After before any password is checked.
 * The sign-in form: a locked-out address is sent back to the sign-in page at once; the user name is only known once
 * Quarkus has read the form, so for a locked-out name the outcome is overturned before the response leaves: no
 * session cookie, and the sign-in page says the name is locked out, whether the password was right or not.
 * Failures and successes are counted from the outcome: a 401 to Basic, the form's redirect to its error page.
 */
@ApplicationScoped
public class ThrottledSignIn {

    static final String SESSION_COOKIE = "quarkus-credential";
    /** Before authentication (200), after the sign-in form's CSRF check (400). */
    static final int PRIORITY = 350;

    private final SignInThrottle throttle;

    public ThrottledSignIn(SignInThrottle throttle) {
        this.throttle = throttle;
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    void filter(RoutingContext rc) {
        String basicUser = basicUser(rc.request().getHeader("Authorization"));
        boolean form = rc.request().method() == HttpMethod.POST && "/j_security_check".equals(rc.normalizedPath());
        if (basicUser == null && !form) {
            rc.next();
            return;
        }
        String address = address(rc);
        long wait = throttle.retryAfterSeconds(basicUser, address);
        if (wait > 0) {
            if (form) {
                rc.response().setStatusCode(302).putHeader("Location", "/login?locked=" + wait).end();
            } else {
                tooManyRequests(rc, wait);
            }
            return;
        }
        rc.addHeadersEndHandler(ignored -> {
            if (form) {
                String user = rc.request().formAttributes().get("j_username");
                String location = rc.response().headers().get("Location");
                long locked = throttle.retryAfterSeconds(user, address);
                if (locked > 0) {
                    // the name is locked out: no session, whatever the password
                    rc.response().removeCookie(SESSION_COOKIE, false);
                    var cookies = rc.response().headers().getAll("Set-Cookie").stream()
                            .filter(c -> !c.startsWith(SESSION_COOKIE + "=")).toList();
                    rc.response().headers().set("Set-Cookie", cookies);
                    rc.response().setStatusCode(302).putHeader("Location", "/login?locked=" + locked);
                } else if (location != null && location.contains("error=true")) {
                    throttle.failed(user, address);
                } else if (signedInAs(rc, user)) {
                    throttle.succeeded(user);
                }
            } else if (rc.response().getStatusCode() == 401) {
                throttle.failed(basicUser, address);
            } else if (signedInAs(rc, basicUser)) {
                throttle.succeeded(basicUser);
            }
        });
        rc.next();
    }

    private static void tooManyRequests(RoutingContext rc, long seconds) {
        Problem problem = Problem.of(429, "too-many-sign-ins", "Too many failed sign-ins",
                "Too many wrong passwords for this user name or from this address; try again in " + seconds
                        + " seconds.", null);
        rc.response().setStatusCode(429).putHeader("Retry-After", String.valueOf(seconds))
                .putHeader("Content-Type", "application/problem+json").end(Json.encode(problem));
    }

    /** Whether this request authenticated the user by password (not merely carried the name somewhere unused). */
    private static boolean signedInAs(RoutingContext rc, String user) {
        return user != null && rc.user() instanceof QuarkusHttpUser who && !who.getSecurityIdentity().isAnonymous()
                && user.equals(who.getSecurityIdentity().getPrincipal().getName());
    }

    /** The client's address (the proxy's forwarded one when quarkus.http.proxy is configured to trust it). */
    static String address(RoutingContext rc) {
        return rc.request().remoteAddress() == null ? null : rc.request().remoteAddress().host();
    }

    static String basicUser(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

package io.mptrec.governance.ui.session;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * CSRF for the sign-in form, which Quarkus form authentication handles before any page: a double-submit token. The
 * sign-in page sets a random token in a cookie (SameSite=Strict, so another site's post never carries it) and
 * puts the same token in the form's action query string; a {@code POST /j_security_check} whose query token does not
 * equal the cookie never reaches authentication and is sent back to the sign-in page with a message.
 */
@ApplicationScoped
public class SignInCsrf {

    static final String COOKIE = "mptrec-sign-in";
    static final String PARAMETER = "sign-in-token";
    /** Before CORS (300) and authentication (200): nothing is authenticated without the token. */
    static final int PRIORITY = 400;

    private final SecureRandom random = new SecureRandom();

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    void check(RoutingContext rc) {
        if (rc.request().method() != HttpMethod.POST || !"/j_security_check".equals(rc.normalizedPath())) {
            rc.next();
            return;
        }
        Cookie cookie = rc.request().getCookie(COOKIE);
        String sent = rc.request().getParam(PARAMETER);
        if (cookie != null && sent != null && matches(cookie.getValue(), sent)) {
            rc.next();
            return;
        }
        rc.response().setStatusCode(302).putHeader("Location", "/login?refused=true").end();
    }

    /** A fresh token for a sign-in page: the cookie to set and the value for the form. */
    public Cookie newCookie(boolean secure) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return Cookie.cookie(COOKIE, token).setPath("/").setHttpOnly(true).setSecure(secure)
                .setSameSite(CookieSameSite.STRICT);
    }

    private static boolean matches(String expected, String sent) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }
}

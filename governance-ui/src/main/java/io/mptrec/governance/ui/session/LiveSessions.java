package io.mptrec.governance.ui.session;

import io.mptrec.governance.ui.page.UiConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The pages' signed-in sessions, held on the server (table {@code ui_session}), so that signing out ends one. Quarkus'
 * form session cookie is sealed but stateless: dropping it from the browser left every copy of it valid for as long as
 * it was used. A successful sign-in now also opens a row, named by the cookie {@value #COOKIE} (256 random bits); a
 * page request signed in by the form needs that cookie and its row, for the same user (otherwise it is sent to the
 * sign-in page, its cookies dropped, before any page or form runs); signing out deletes the row. Rows live in the
 * database, so every instance of the application agrees at once. With Keycloak the sessions are Keycloak's, and
 * none of this applies.
 */
@ApplicationScoped
public class LiveSessions {

    public static final String COOKIE = "mptrec-session";
    /** After the sign-in form's CSRF check (400) and the throttle (350), before form authentication (150). */
    static final int OPEN_PRIORITY = 340;
    /** After authentication (200) and form authentication (150), before authorization (100). */
    static final int CHECK_PRIORITY = 120;
    /** A row's last use is written at most this often, not at every page. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(LiveSessions.class);

    private final DataSource dataSource;
    private final UiConfig config;
    private final Clock clock;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();

    public LiveSessions(DataSource dataSource, UiConfig config, Clock clock,
                        @ConfigProperty(name = "quarkus.http.auth.form.timeout") Duration timeout) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
        this.timeout = timeout;
    }

    void register(@Observes Filters filters) {
        if (config.keycloak()) {
            return;
        }
        filters.register(this::openOnSignIn, OPEN_PRIORITY);
        filters.register(this::requireLiveSession, CHECK_PRIORITY);
    }

    /** On a sign-in that set the form's session cookie: a new row, and its cookie beside Quarkus'. */
    void openOnSignIn(RoutingContext rc) {
        if (rc.request().method() != HttpMethod.POST || !"/j_security_check".equals(rc.normalizedPath())) {
            rc.next();
            return;
        }
        rc.addHeadersEndHandler(ignored -> {
            // the form sends a right password on to the pages, anything else back to the sign-in page (an error,
            // a lock-out); the name is the one it checked
            String location = rc.response().headers().get("Location");
            boolean signedIn = rc.response().getStatusCode() == 302 && location != null && !location.contains("/login");
            String user = rc.request().formAttributes().get("j_username");
            if (signedIn && user != null && !user.isEmpty()) {
                // a sign-in is rare; the insert must be done before the browser's next request, so it is made here
                rc.response().addCookie(cookie(open(user), "https".equals(rc.request().scheme())));
            }
        });
        rc.next();
    }

    /** A page request signed in by the form goes on only with its live session; otherwise to the sign-in page. */
    void requireLiveSession(RoutingContext rc) {
        String path = rc.normalizedPath();
        Optional<String> user = user(rc);
        boolean page = path.equals("/ui") || path.startsWith("/ui/");
        if (!page || user.isEmpty() || rc.request().getHeader("Authorization") != null
                || rc.request().getCookie(SessionResource.SESSION_COOKIE) == null) {
            rc.next();
            return;
        }
        Cookie session = rc.request().getCookie(COOKIE);
        String id = session == null ? null : session.getValue();
        rc.vertx().<Boolean>executeBlocking(() -> id != null && touch(id, user.get()), false).onComplete(live -> {
            if (live.succeeded() && live.result()) {
                rc.next();
                return;
            }
            if (live.failed()) {
                LOG.error("could not read a page session", live.cause());
                rc.fail(503);
                return;
            }
            // signed out, or a session from before this check existed: its cookies go, and it signs in again
            rc.response().addCookie(expired(SessionResource.SESSION_COOKIE)).addCookie(expired(COOKIE));
            rc.response().setStatusCode(rc.request().method() == HttpMethod.GET ? 302 : 303)
                    .putHeader("Location", "/login?signedOut=true").end();
        });
    }

    /** Opens a session of the user: its id. Sessions unused for longer than the form's timeout go at the same time. */
    String open(String user) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection();
             PreparedStatement stale = c.prepareStatement("DELETE FROM ui_session WHERE last_seen_at < ?");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO ui_session (id, user_name, created_at, last_seen_at) VALUES (?, ?, ?, ?)")) {
            stale.setTimestamp(1, Timestamp.from(now.minus(timeout).minus(TOUCH_EVERY)));
            stale.executeUpdate();
            insert.setString(1, id);
            insert.setString(2, user);
            insert.setTimestamp(3, Timestamp.from(now));
            insert.setTimestamp(4, Timestamp.from(now));
            insert.executeUpdate();
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException("could not open a page session", e);
        }
    }

    /** Whether the session is the user's and was used within the timeout; its last use is moved on. */
    boolean touch(String id, String user) {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection(); PreparedStatement read = c.prepareStatement(
                "SELECT user_name, last_seen_at FROM ui_session WHERE id = ?")) {
            read.setString(1, id);
            try (ResultSet r = read.executeQuery()) {
                if (!r.next() || !user.equals(r.getString(1))) {
                    return false;
                }
                Instant seen = r.getTimestamp(2).toInstant();
                if (seen.plus(timeout).isBefore(now)) {
                    return false;
                }
                if (seen.plus(TOUCH_EVERY).isBefore(now)) {
                    try (PreparedStatement update = c.prepareStatement(
                            "UPDATE ui_session SET last_seen_at = ? WHERE id = ?")) {
                        update.setTimestamp(1, Timestamp.from(now));
                        update.setString(2, id);
                        update.executeUpdate();
                    }
                }
                return true;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read a page session", e);
        }
    }

    /** Ends the session (sign-out): its row goes, whatever copies of its cookies exist. */
    public void close(String id) {
        if (id == null) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM ui_session WHERE id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not end a page session", e);
        }
    }

    private static Optional<String> user(RoutingContext rc) {
        return rc.user() instanceof QuarkusHttpUser who && !who.getSecurityIdentity().isAnonymous()
                ? Optional.of(who.getSecurityIdentity().getPrincipal().getName()) : Optional.empty();
    }

    /** The cookie's end, on the path it was set for (a browser keeps a cookie an end on another path names). */
    public static Cookie expired(String name) {
        return Cookie.cookie(name, "").setPath("/").setMaxAge(0).setHttpOnly(true);
    }

    private static Cookie cookie(String id, boolean secure) {
        return Cookie.cookie(COOKIE, id).setPath("/").setHttpOnly(true).setSecure(secure)
                .setSameSite(CookieSameSite.STRICT);
    }
}

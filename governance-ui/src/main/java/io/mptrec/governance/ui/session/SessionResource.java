package io.mptrec.governance.ui.session;

import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.UiConfig;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestCookie;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Signing in and out. With the embedded users the sign-in form posts to {@code /j_security_check} (Quarkus form
 * authentication); with Keycloak the pages redirect to Keycloak and {@code /login} only points there.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class SessionResource {

    /** The form authentication cookie (Quarkus default name). */
    static final String SESSION_COOKIE = "quarkus-credential";
    /** The longest wait the sign-in page names (a day); the throttle's lockout is minutes. */
    private static final long MAX_SHOWN_WAIT_SECONDS = 86_400;

    private final SecurityIdentity identity;
    private final UiConfig config;
    private final SignInCsrf csrf;

    public SessionResource(SecurityIdentity identity, UiConfig config, SignInCsrf csrf) {
        this.identity = identity;
        this.config = config;
        this.csrf = csrf;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(String message, boolean error, boolean keycloak, String action);

        static native TemplateInstance signedOut();
    }

    @GET
    public RestResponse<Object> getRoot() {
        return Pages.seeOther("/ui");
    }

    @GET
    @Path("login")
    public TemplateInstance getLogin(@RestQuery boolean error, @RestQuery boolean expired,
                                     @RestQuery("signedOut") boolean signedOut, @RestQuery boolean refused,
                                     @RestQuery("locked") String lockedText, @RestCookie(SESSION_COOKIE) String session,
                                     RoutingContext rc) {
        // the form's own CSRF token: a cookie and the same value in the action (see SignInCsrf)
        Cookie token = csrf.newCookie("https".equals(rc.request().scheme()));
        rc.response().addCookie(token);
        String action = "/j_security_check?" + SignInCsrf.PARAMETER + "=" + token.getValue();
        String message = null;
        boolean failed = error || refused || lockedText != null;
        if (lockedText != null) {
            // the throttle's wait in seconds; the address is anyone's to type, so an odd one names no wait
            long locked = lockedText.matches("[1-9][0-9]{0,4}") ? Long.parseLong(lockedText) : 0;
            message = "Too many failed sign-ins for this user name or from this address. Try again "
                    + (locked > 0 && locked <= MAX_SHOWN_WAIT_SECONDS ? "in " + (locked + 59) / 60 + " minute(s)."
                    : "later.");
        } else if (error) {
            message = "The user name or password was not right. Try again.";
        } else if (refused) {
            message = "The sign-in form was not accepted: it was open for too long or sent from another site. "
                    + "Sign in again on this page.";
        } else if (signedOut) {
            message = "You are signed out.";
        } else if (expired || (session != null && identity.isAnonymous())) {
            message = "Your session has ended (30 minutes without activity). Sign in again to continue.";
        } else if (!identity.isAnonymous()) {
            message = "You are already signed in as " + identity.getPrincipal().getName() + ".";
        }
        return Templates.login(message, failed, config.keycloak(), action);
    }

    @GET
    @Path("signed-out")
    public TemplateInstance getSignedOut() {
        return Templates.signedOut();
    }
}

package io.mptrec.governance.ui.session;

import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.UiConfig;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
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

    private final SecurityIdentity identity;
    private final UiConfig config;

    public SessionResource(SecurityIdentity identity, UiConfig config) {
        this.identity = identity;
        this.config = config;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(String message, boolean error, boolean keycloak);

        static native TemplateInstance signedOut();
    }

    @GET
    public RestResponse<Object> getRoot() {
        return Pages.seeOther("/ui");
    }

    @GET
    @Path("login")
    public TemplateInstance getLogin(@RestQuery boolean error, @RestQuery boolean expired,
                                     @RestQuery("signedOut") boolean signedOut,
                                     @RestCookie(SESSION_COOKIE) String session) {
        String message = null;
        if (error) {
            message = "The user name or password was not right. Try again.";
        } else if (signedOut) {
            message = "You are signed out.";
        } else if (expired || (session != null && identity.isAnonymous())) {
            message = "Your session has ended (30 minutes without activity). Sign in again to continue.";
        } else if (!identity.isAnonymous()) {
            message = "You are already signed in as " + identity.getPrincipal().getName() + ".";
        }
        return Templates.login(message, error, config.keycloak());
    }

    @GET
    @Path("signed-out")
    public TemplateInstance getSignedOut() {
        return Templates.signedOut();
    }
}

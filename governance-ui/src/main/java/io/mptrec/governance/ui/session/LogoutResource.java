package io.mptrec.governance.ui.session;

import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.UiConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import org.jboss.resteasy.reactive.RestCookie;
import org.jboss.resteasy.reactive.RestResponse;

/** Signing out: a CSRF-checked form post from every page's header. */
@Path("/ui/logout")
public class LogoutResource {

    private final UiConfig config;
    private final LiveSessions sessions;

    public LogoutResource(UiConfig config, LiveSessions sessions) {
        this.config = config;
        this.sessions = sessions;
    }

    /**
     * Ends the session: its row on the server goes ({@link LiveSessions}: a copy of its cookies is then refused too),
     * and the browser drops both cookies; or, with Keycloak, hands over to the OIDC logout path (RP-initiated).
     */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public RestResponse<Object> logout(@RestCookie(LiveSessions.COOKIE) String session) {
        if (config.keycloak()) {
            return Pages.seeOther("/ui/oidc-logout");
        }
        sessions.close(session);
        return RestResponse.ResponseBuilder.create(RestResponse.Status.SEE_OTHER)
                .location(java.net.URI.create("/login?signedOut=true"))
                .cookie(gone(SessionResource.SESSION_COOKIE), gone(LiveSessions.COOKIE)).build();
    }

    private static NewCookie gone(String name) {
        return new NewCookie.Builder(name).path("/").value("").maxAge(0).httpOnly(true).build();
    }
}

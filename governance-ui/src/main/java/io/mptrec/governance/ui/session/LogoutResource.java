package io.mptrec.governance.ui.session;

import io.mptrec.governance.ui.page.Pages;
import io.mptrec.governance.ui.page.UiConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import org.jboss.resteasy.reactive.RestResponse;

/** Signing out: a CSRF-checked form post from every page's header. */
@Path("/ui/logout")
public class LogoutResource {

    private final UiConfig config;

    public LogoutResource(UiConfig config) {
        this.config = config;
    }

    /** Ends the session: drops the form cookie, or with Keycloak hands over to the OIDC logout path (RP-initiated). */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public RestResponse<Object> logout() {
        if (config.keycloak()) {
            return Pages.seeOther("/ui/oidc-logout");
        }
        NewCookie gone = new NewCookie.Builder(SessionResource.SESSION_COOKIE).path("/").value("").maxAge(0).httpOnly(true).build();
        return RestResponse.ResponseBuilder.create(RestResponse.Status.SEE_OTHER)
                .location(java.net.URI.create("/login?signedOut=true")).cookie(gone).build();
    }
}

package io.mptrec.governance.ui.page;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The web pages ({@code mptrec.ui.*}). */
@ConfigMapping(prefix = "mptrec.ui")
public interface UiConfig {

    /** {@code embedded} (local users, sign-in form) or {@code keycloak} (OpenID Connect code flow). */
    @WithDefault("embedded")
    String identityProvider();

    /** Rows per page of the audit log. */
    @WithDefault("25")
    int auditPageSize();

    default boolean keycloak() {
        return "keycloak".equals(identityProvider());
    }
}

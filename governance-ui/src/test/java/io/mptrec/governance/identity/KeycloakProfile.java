package io.mptrec.governance.identity;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The application as {@code -Dquarkus.profile=keycloak} runs it, on the test database. */
public class KeycloakProfile implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "test,keycloak";
    }
}

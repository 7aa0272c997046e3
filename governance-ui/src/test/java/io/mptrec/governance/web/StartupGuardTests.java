package io.mptrec.governance.web;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up refusal of demo passwords beyond loopback, as logic (no application started). */
class StartupGuardTests {

    @Test
    void shouldRefuseDemoPasswordsOnEveryInterfaceOrAPublicAddressAndSayHowToFixIt() {
        for (String host : new String[] {"0.0.0.0", "::", "192.0.2.10", "no-such-host.invalid"}) {
            assertThat(DemoUsersGuard.refusal(true, host, Set.of("admin", "alice"), false)).as(host).hasValueSatisfying(
                    m -> assertThat(m).contains(host).contains("admin, alice").contains("MPTREC_PASSWORD_<USER>")
                            .contains("MPTREC_ALLOW_DEMO_USERS=true"));
        }
    }

    @Test
    void shouldStartOnLoopbackWithRealPasswordsWithTheOptInOrWithoutEmbeddedUsers() {
        for (String host : new String[] {"127.0.0.1", "localhost", "::1", "127.0.1.1"}) {
            assertThat(DemoUsersGuard.refusal(true, host, Set.of("admin"), false)).as(host).isEmpty();
        }
        assertThat(DemoUsersGuard.refusal(true, "0.0.0.0", Set.of(), false)).as("real passwords").isEmpty();
        assertThat(DemoUsersGuard.refusal(true, "0.0.0.0", Set.of("admin"), true)).as("opt-in").isEmpty();
        assertThat(DemoUsersGuard.refusal(false, "0.0.0.0", Set.of("admin"), false)).as("Keycloak").isEmpty();
    }
}

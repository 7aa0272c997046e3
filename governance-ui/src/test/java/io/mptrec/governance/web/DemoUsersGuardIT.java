package io.mptrec.governance.web;

import io.mptrec.governance.PackagedApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application listening on every interface with the demo passwords: it does not start, and says why
 * and how to fix it; with the explicit opt-in it starts. Run by failsafe after {@code package}.
 */
class DemoUsersGuardIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    @Test
    void shouldRefuseToStartOnEveryInterfaceWithTheDemoPasswords() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "demo-users-");
        Process app = PackagedApp.start(JAR, dir, PackagedApp.freePort(), Map.of(), dir.resolve("app.log"),
                List.of("-Dquarkus.http.host=0.0.0.0"));
        try {
            assertThat(app.waitFor(120, TimeUnit.SECONDS)).as("the application stopped by itself").isTrue();
            assertThat(app.exitValue()).isNotZero();
            assertThat(Files.readString(dir.resolve("app.log"))).contains("Refusing to start")
                    .contains("listens on 0.0.0.0").contains("MPTREC_PASSWORD_<USER>")
                    .contains("MPTREC_ALLOW_DEMO_USERS=true");
        } finally {
            app.destroyForcibly();
        }
    }

    @Test
    void shouldStartOnEveryInterfaceWhenTheOperatorOptsIn() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "demo-users-ok-");
        int port = PackagedApp.freePort();
        Process app = PackagedApp.start(JAR, dir, port, Map.of("MPTREC_ALLOW_DEMO_USERS", "true"),
                dir.resolve("app.log"), List.of("-Dquarkus.http.host=0.0.0.0"));
        try {
            PackagedApp.awaitReady(port, Duration.ofSeconds(120), dir.resolve("app.log"), List.of(app));
        } finally {
            app.destroy();
            app.waitFor(30, TimeUnit.SECONDS);
            app.destroyForcibly();
        }
    }
}

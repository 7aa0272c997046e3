package io.mptrec.governance.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real Keycloak for the identity tests: the distribution unpacked by the build (system property
 * {@code mptrec.keycloak.home}, see the keycloak-dist profile), started in development mode on free loopback ports
 * with Java 21+ and the shipped realm, plus a test-only client whose tokens live 3 seconds. When the distribution or a
 * Java 21+ is missing the tests skip loudly ({@link #ABSENT}); under {@code CI=true} they fail instead.
 */
public class KeycloakResource implements QuarkusTestResourceLifecycleManager {

    static final String ABSENT = "mptrec.test.keycloak-absent";
    static final String URL = "mptrec.test.keycloak-url";
    static final String SHORT_CLIENT = "mptrec-test-short-lived";

    private Process process;

    @Override
    public Map<String, String> start() {
        Path home = Path.of(System.getProperty("mptrec.keycloak.home", "target/keycloak/keycloak-26.7.3"));
        Optional<Path> java = java21();
        if (!Files.isExecutable(home.resolve("bin/kc.sh")) || java.isEmpty()) {
            String why = !Files.isExecutable(home.resolve("bin/kc.sh"))
                    ? "no Keycloak distribution at " + home + " (run the tests without -Dmptrec.keycloak.skip, online once)"
                    : "no Java 21+ found (set KEYCLOAK_JAVA_HOME)";
            return Map.of(ABSENT, why, "quarkus.oidc.tenant-enabled", "false", "quarkus.oidc.web.tenant-enabled", "false");
        }
        try {
            int port = freePort();
            int appPort = freePort();
            writeRealm(home, appPort);
            Path data = home.resolve("data");
            deleteTree(data.resolve("h2"));  // a fresh realm every run
            Path log = Path.of("target", "keycloak-test.log");
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + freePort(),
                    "--import-realm")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("JAVA_HOME", java.get().toString());
            pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
            pb.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
            process = pb.start();
            String base = "http://127.0.0.1:" + port;
            awaitReady(base + "/realms/mptrec/.well-known/openid-configuration", log);
            Map<String, String> config = new HashMap<>();
            config.put(URL, base);
            config.put("quarkus.oidc.auth-server-url", base + "/realms/mptrec");
            config.put("quarkus.http.test-port", Integer.toString(appPort));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The shipped realm, with this run's application address as redirect target and a short-lived test client. */
    private static void writeRealm(Path home, int appPort) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode realm = (ObjectNode) mapper.readTree(Path.of("src/main/keycloak/mptrec-realm.json").toFile());
        for (var client : realm.withArray("clients")) {
            if ("mptrec-governance".equals(client.path("clientId").asText())) {
                ArrayNode uris = (ArrayNode) client.get("redirectUris");
                uris.add("http://127.0.0.1:" + appPort + "/*").add("http://localhost:" + appPort + "/*");
                ((ObjectNode) client.get("attributes")).put("post.logout.redirect.uris",
                        "http://127.0.0.1:" + appPort + "/*##http://localhost:" + appPort + "/*");
            }
        }
        ObjectNode shortLived = realm.withArray("clients").addObject();
        shortLived.put("clientId", SHORT_CLIENT).put("enabled", true).put("publicClient", true)
                .put("standardFlowEnabled", false).put("directAccessGrantsEnabled", true);
        shortLived.putObject("attributes").put("access.token.lifespan", "3");
        Path imports = home.resolve("data/import");
        Files.createDirectories(imports);
        mapper.writerWithDefaultPrettyPrinter().writeValue(imports.resolve("mptrec-realm.json").toFile(), realm);
    }

    private void awaitReady(String url, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited early; see " + log.toAbsolutePath());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop();
        throw new IllegalStateException("Keycloak did not answer within 4 minutes; see " + log.toAbsolutePath());
    }

    /** KEYCLOAK_JAVA_HOME, this JVM when 21+, else the newest JDK 21+ in the usual install folders. */
    static Optional<Path> java21() {
        String env = System.getenv("KEYCLOAK_JAVA_HOME");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        if (Runtime.version().feature() >= 21) {
            return Optional.of(Path.of(System.getProperty("java.home")));
        }
        return Stream.of(Path.of("/usr/lib/jvm"), Path.of("/Library/Java/JavaVirtualMachines"))
                .filter(Files::isDirectory)
                .flatMap(KeycloakResource::list)
                .map(p -> Files.isDirectory(p.resolve("Contents/Home")) ? p.resolve("Contents/Home") : p)
                .filter(p -> Files.isExecutable(p.resolve("bin/java")) && feature(p) >= 21)
                .max(Comparator.comparingInt(KeycloakResource::feature));
    }

    private static int feature(Path javaHome) {
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static Stream<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

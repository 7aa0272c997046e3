package io.mptrec.model.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import picocli.CommandLine.Option;

/** The options and HTTP calls of the commands that talk to a running registry ({@code push}, {@code pilot}). */
final class RegistryConnection {

    private final HttpClient http = HttpClient.newHttpClient();

    @Option(names = "--registry", defaultValue = "http://localhost:8080",
            description = "Registry base URL (default ${DEFAULT-VALUE}).")
    URI registry;

    @Option(names = "--user", required = true, description = "User name (HTTP Basic).")
    String user;

    @Option(names = "--password", description = "Password; default: the MPTREC_PASSWORD environment variable.")
    String password;

    /** A request to {@code path} with the credentials and {@code Accept: application/json}. */
    HttpRequest.Builder request(String path) {
        String secret = password != null ? password : System.getenv("MPTREC_PASSWORD");
        if (secret == null) {
            throw new IllegalArgumentException("no password: pass --password or set MPTREC_PASSWORD");
        }
        return HttpRequest.newBuilder(url(path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@code path} (from {@code /api/v1}) under the registry's URL, path included: a registry behind a proxy at
     * {@code https://host/mptrec/} is reached at {@code https://host/mptrec/api/v1/...} (resolving {@code /api/v1}
     * dropped the {@code /mptrec}).
     */
    URI url(String path) {
        String base = registry.toString();
        return URI.create((base.endsWith("/") ? base : base + "/")).resolve(path.startsWith("/") ? path.substring(1)
                : path);
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IllegalArgumentException("cannot connect to the registry at " + registry
                    + " (is it running? --registry)");
        } catch (java.net.http.HttpTimeoutException e) {
            throw new IllegalStateException("the registry at " + registry + " did not answer within 60 s");
        }
    }
}

package io.mptrec.model.cli;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Upload an artifact to the prompt registry: an encoder, or a task prompt as the task's next",
            "DRAFT version (identical content returns the existing version). The artifact is verified first."})
final class PushCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Artifact folder or zip (encoder/ or prompt-<task>/).")
    Path artifact;

    @Option(names = "--registry", defaultValue = "http://localhost:8080",
            description = "Registry base URL (default ${DEFAULT-VALUE}).")
    URI registry;

    @Option(names = "--user", required = true, description = "User name (HTTP Basic).")
    String user;

    @Option(names = "--password", description = "Password; default: the MPTREC_PASSWORD environment variable.")
    String password;

    @Override
    public Integer call() throws IOException, InterruptedException {
        ArtifactBundle bundle = ArtifactBundle.read(artifact);
        String path = switch (bundle.kind()) {
            case EncoderArtifact.KIND -> "/api/v1/encoders";
            case TaskPromptArtifact.KIND -> "/api/v1/tasks/" + TaskPromptArtifact.from(bundle).task() + "/versions";
            default -> throw new IllegalArgumentException("unknown artifact kind " + bundle.kind());
        };
        String secret = password != null ? password : System.getenv("MPTREC_PASSWORD");
        if (secret == null) {
            throw new IllegalArgumentException("no password: pass --password or set MPTREC_PASSWORD");
        }
        HttpRequest request = HttpRequest.newBuilder(registry.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/zip")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bundle.toZip()))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            System.out.printf("%s %s %s%n%s%n", status == 201 ? "registered" : "already registered", bundle.kind(),
                    bundle.contentSha256(), response.headers().firstValue("Location").orElse(response.body()));
            return 0;
        }
        System.err.printf("mptrec: the registry refused the %s artifact (HTTP %d): %s%n", bundle.kind(), status, response.body());
        return 2;
    }
}

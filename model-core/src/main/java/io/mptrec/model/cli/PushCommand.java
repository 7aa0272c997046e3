package io.mptrec.model.cli;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "push", mixinStandardHelpOptions = true,
        header = "Upload an encoder or a task prompt to the prompt registry.",
        description = {"Upload an artifact to the prompt registry: an encoder, or a task prompt as the task's next",
            "DRAFT version (identical content returns the existing version). The artifact is verified first."})
final class PushCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Artifact folder or zip (encoder/ or prompt-<task>/).")
    Path artifact;

    @Mixin
    RegistryConnection connection;

    @Override
    public Integer call() throws IOException, InterruptedException {
        ArtifactBundle bundle = ArtifactBundle.read(artifact);
        String path = switch (bundle.kind()) {
            case EncoderArtifact.KIND -> "/api/v1/encoders";
            case TaskPromptArtifact.KIND -> "/api/v1/tasks/" + TaskPromptArtifact.from(bundle).task() + "/versions";
            default -> throw new IllegalArgumentException("unknown artifact kind " + bundle.kind());
        };
        HttpResponse<String> response = connection.send(connection.request(path)
                .header("Content-Type", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bundle.toZip()))
                .build());
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

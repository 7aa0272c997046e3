package io.mptrec.model.cli;

import io.mptrec.model.artifact.ArtifactException;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder layout the commands share: {@code encoder/} and one {@code prompt-<task>/} per task prompt
 * currently served on it.
 */
record ArtifactFolder(Path root) {

    Path encoderPath() {
        return root.resolve("encoder");
    }

    Path promptPath(String task) {
        return root.resolve("prompt-" + task);
    }

    EncoderArtifact encoder() {
        return EncoderArtifact.read(encoderPath());
    }

    TaskPromptArtifact prompt(String task) {
        Path path = promptPath(task);
        if (!Files.isDirectory(path)) {
            throw new ArtifactException("no task prompt for " + task + " in " + root);
        }
        return TaskPromptArtifact.read(path);
    }

    List<TaskPromptArtifact> prompts() {
        List<TaskPromptArtifact> prompts = new ArrayList<>();
        try (Stream<Path> list = Files.list(root)) {
            for (Path p : list.sorted().toList()) {
                if (Files.isDirectory(p) && p.getFileName().toString().startsWith("prompt-")) {
                    prompts.add(TaskPromptArtifact.read(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        return prompts;
    }
}

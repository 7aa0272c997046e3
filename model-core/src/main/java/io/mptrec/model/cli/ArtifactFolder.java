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

    /**
     * The folder of a task's prompt: one folder in this one, whatever the task is named (a schema's label named
     * {@code income/../../x} wrote a prompt outside it).
     */
    Path promptPath(String task) {
        Path path = root.resolve("prompt-" + task);
        if (task.isEmpty() || task.chars().anyMatch(c -> c == '/' || c == '\\' || Character.isISOControl(c))) {
            throw new ArtifactException("task " + (task.chars().anyMatch(Character::isISOControl) ? "name"
                    : "'" + task + "'") + " cannot name a folder: give the label a plain name, such as education");
        }
        return path;
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

    /** The prompt given by {@code --prompt}, or else this folder's for the task; refused when it is another task's. */
    TaskPromptArtifact prompt(String task, Path given) {
        TaskPromptArtifact prompt = given == null ? prompt(task) : TaskPromptArtifact.read(given);
        if (!prompt.task().equals(task)) {
            throw new IllegalArgumentException("the task prompt at " + (given == null ? promptPath(task) : given)
                    + " is for task " + prompt.task() + ", not " + task);
        }
        return prompt;
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

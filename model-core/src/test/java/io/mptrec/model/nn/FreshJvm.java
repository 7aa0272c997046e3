package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a main class in a fresh JVM, as native libraries read their environment once, when they load. */
final class FreshJvm {

    private FreshJvm() {
    }

    /**
     * Runs {@code main} with {@code args} and this test's class path, its environment changed by {@code environment};
     * asserts that it exits with 0 and returns the first group of {@code pattern} in its output.
     */
    static String run(Class<?> main, Consumer<Map<String, String>> environment, Pattern pattern, String... args)
            throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir", "target/javacpp"),
                main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder child = new ProcessBuilder(command);
        environment.accept(child.environment());
        child.redirectErrorStream(true);
        Process process = child.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        Matcher found = pattern.matcher(output);
        assertThat(found.find()).as(output).isTrue();
        return found.group(1);
    }
}

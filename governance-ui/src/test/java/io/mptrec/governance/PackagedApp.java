package io.mptrec.governance;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged application in a process of its own, as the failsafe tests (*IT) start, kill and restart it. */
public final class PackagedApp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PackagedApp() {
    }

    /**
     * Starts {@code jar} on loopback at {@code port}, with seeding and the guardrail timer off, one native thread, and
     * output appended to {@code log}. {@code environment} is added to a copy of this process's, without MPTREC_DB_URL
     * (the H2 build then uses its default file, relative to {@code workingDirectory}).
     */
    public static Process start(Path jar, Path workingDirectory, int port, Map<String, String> environment, Path log,
                                List<String> jvmOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-Dmptrec.seed.enabled=false",
                "-Dmptrec.ab.guardrails.every=off"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDirectory.toFile());
        pb.environment().remove("MPTREC_DB_URL");
        pb.environment().putAll(environment);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toAbsolutePath().toFile()));
        return pb.start();
    }

    /** Waits until the instance on {@code port} answers ready; fails at once when one of {@code processes} has exited. */
    public static void awaitReady(int port, Duration timeout, Path log, List<Process> processes) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new AssertionError("the application exited with " + p.exitValue() + "; see " + log.toAbsolutePath());
                }
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the application on port " + port + " was not ready in " + timeout.toSeconds() + " s; see "
                + log.toAbsolutePath());
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The machine's 1, 5 and 15-minute load averages, as the benchmarks report them ("unknown" off Linux). */
    public static String loadAverage() {
        try {
            return java.util.Arrays.toString(Files.readString(Path.of("/proc/loadavg")).split(" ", 4))
                    .replaceAll(", [^,]*]$", "]");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

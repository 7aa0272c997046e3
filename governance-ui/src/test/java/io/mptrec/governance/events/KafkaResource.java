package io.mptrec.governance.events;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Kafka broker (KRaft, one node) for the event pipeline's tests, started by {@code scripts/kafka.sh} (Kafka
 * from Maven Central) on free loopback ports with a fresh log directory, and stopped after the tests that use it.
 * The application then publishes to it and runs an aggregator.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    static final String BOOTSTRAP = "mptrec.ab.events.kafka.bootstrap-servers";

    private long pid;
    private Path data;

    @Override
    public Map<String, String> start() {
        try {
            int port = freePortPair();
            data = Files.createTempDirectory("mptrec-kafka-test");
            Path script = Path.of("..", "scripts", "kafka.sh").toAbsolutePath().normalize();
            ProcessBuilder pb = new ProcessBuilder(script.toString(), "--background")
                    .directory(script.getParent().getParent().toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("KAFKA_PORT", Integer.toString(port));
            pb.environment().put("KAFKA_DATA", data.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("scripts/kafka.sh --background failed: " + out);
            }
            pid = Long.parseLong(out.substring(out.lastIndexOf('\n') + 1).trim());
            return Map.of("mptrec.ab.events.transport", "kafka",
                    BOOTSTRAP, "127.0.0.1:" + port,
                    "mptrec.ab.events.aggregator.enabled", "true",
                    "mptrec.ab.events.kafka.partitions", "4");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
        if (data != null) {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + data + ": " + e.getMessage());
            }
        }
    }

    /** A free port whose successor is free as well (the broker's controller takes it). */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int port = s.getLocalPort();
                if (port < 65535) {
                    try (ServerSocket next = new ServerSocket(port + 1)) {
                        return port;
                    } catch (IOException taken) {
                        // try another
                    }
                }
            }
        }
        throw new IOException("no two adjacent free ports");
    }
}

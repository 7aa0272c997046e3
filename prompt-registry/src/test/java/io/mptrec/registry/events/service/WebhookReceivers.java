package io.mptrec.registry.events.service;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real local receivers for {@link WebhookDelivererTests}: {@code slow} accepts connections and never answers (the
 * receiver that used to hold every other up), {@code healthy} answers 200 and keeps each request, {@code gone} counts
 * the requests that reach it (none should: it is not configured). The configured URLs are slow's, then healthy's.
 * What they received reaches the test through fields of JDK types only (the test runs in Quarkus' class loader).
 */
public class WebhookReceivers implements QuarkusTestResourceLifecycleManager {

    /** Per request to healthy: the event id header, the signature header ("" when absent) and the body. */
    private final List<List<String>> healthy = new CopyOnWriteArrayList<>();
    private final List<String> gone = new CopyOnWriteArrayList<>();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private ServerSocket slowSocket;
    private HttpServer healthyServer;
    private HttpServer goneServer;

    @Override
    public Map<String, String> start() {
        try {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            slowSocket = new ServerSocket(0, 50, loopback);
            Thread acceptor = new Thread(() -> {
                while (!slowSocket.isClosed()) {
                    try {
                        held.add(slowSocket.accept());  // never read, never answered
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "slow-receiver");
            acceptor.setDaemon(true);
            acceptor.start();
            healthyServer = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
            healthyServer.createContext("/hook", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String signature = exchange.getRequestHeaders().getFirst("X-Mptrec-Signature");
                healthy.add(List.of(exchange.getRequestHeaders().getFirst("X-Mptrec-Event-Id"),
                        signature == null ? "" : signature, body));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            healthyServer.start();
            goneServer = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
            goneServer.createContext("/hook", exchange -> {
                gone.add(exchange.getRequestHeaders().getFirst("X-Mptrec-Event-Id"));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            goneServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("mptrec.registry.webhooks.urls", slowUrl() + "," + url(healthyServer),
                // one timeout is longer than the bound the test allows the healthy receiver
                "mptrec.registry.webhooks.request-timeout", "PT10S",
                "mptrec.registry.webhooks.initial-backoff", "PT1S",
                "mptrec.registry.webhooks.poll", "1s",
                "mptrec.registry.webhooks.secret", "receiver's shared secret");
    }

    private String slowUrl() {
        return "http://127.0.0.1:" + slowSocket.getLocalPort() + "/hook";
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(healthy, f -> f.getName().equals("healthyRequests"));
        injector.injectIntoFields(gone, f -> f.getName().equals("goneRequests"));
        injector.injectIntoFields(url(goneServer), f -> f.getName().equals("goneUrl"));
    }

    @Override
    public void stop() {
        healthyServer.stop(0);
        goneServer.stop(0);
        try {
            slowSocket.close();
            for (Socket s : held) {
                s.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

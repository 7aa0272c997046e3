package io.mptrec.governance;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A webhook receiver for the tests: answers 503 to the first delivery of each event and 200 to the next, so every
 * event shows one retry. Its URL becomes the registry's only webhook.
 */
public class WebhookReceiverResource implements QuarkusTestResourceLifecycleManager {

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean first = seen.add(exchange.getRequestHeaders().getFirst("X-Mptrec-Event-Id"));
            exchange.sendResponseHeaders(first ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
        return Map.of("mptrec.registry.webhooks.urls", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}

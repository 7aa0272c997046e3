package io.mptrec.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Registry settings ({@code mptrec.registry.*}). */
@ConfigMapping(prefix = "mptrec.registry")
public interface RegistryConfig {

    Webhooks webhooks();

    interface Webhooks {
        /** URLs every registry event is POSTed to (JSON); none by default. */
        Optional<List<String>> urls();

        /** Attempts before a delivery is marked FAILED. */
        @WithDefault("8")
        @Min(1)
        int maxAttempts();

        /** First retry delay; doubled after each failed attempt. */
        @WithDefault("PT2S")
        Duration initialBackoff();

        @WithDefault("PT5S")
        Duration requestTimeout();

        /**
         * When set, each delivery carries {@code X-Mptrec-Signature: sha256=<hex>}, the HMAC-SHA256 of the body keyed
         * with it (see WebhookSignature); none by default. Set it from the environment, not a file in the repository.
         */
        Optional<String> secret();

        /** How often the deliverer looks for due deliveries (read by its @Scheduled expression). */
        @WithDefault("5s")
        String poll();
    }
}

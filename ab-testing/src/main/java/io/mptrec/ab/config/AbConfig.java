package io.mptrec.ab.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

/** A/B testing settings ({@code mptrec.ab.*}). */
@ConfigMapping(prefix = "mptrec.ab")
public interface AbConfig {

    Serving serving();

    Results results();

    Pilot pilot();

    Guardrails guardrails();

    interface Serving {
        /** Most candidate rows one score request may carry. */
        @WithDefault("1000")
        @Min(1)
        int maxRows();

        /**
         * Largest score request body, in bytes (2 MiB: 1,000 candidates of 40 columns take about 1 MiB). The
         * application's own limit (quarkus.http.limits.max-body-size) stays large for artifact uploads.
         */
        @WithDefault("2097152")
        @Min(1)
        long maxBodyBytes();
    }

    interface Results {
        /** Most (score, outcome) pairs per arm read for the online AUC and log-loss (the most recent ones). */
        @WithDefault("200000")
        @Min(1)
        int maxModelPairs();
    }

    interface Pilot {
        /** Dataset schema whose TEST split the pilot replays (relative to the working directory). */
        @WithDefault("data/census-income-kdd/schema.json")
        String schema();
    }

    interface Guardrails {
        /** How often RUNNING experiments' guardrails are evaluated (read by GuardrailService's @Scheduled); "off" disables. */
        @WithDefault("30s")
        String every();
    }
}

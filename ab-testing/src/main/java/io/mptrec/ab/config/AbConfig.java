package io.mptrec.ab.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.util.Optional;

/** A/B testing settings ({@code mptrec.ab.*}). */
@ConfigMapping(prefix = "mptrec.ab")
public interface AbConfig {

    Serving serving();

    Batches batches();

    Results results();

    Pilot pilot();

    Guardrails guardrails();

    Events events();

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

    /** Batches of records sent at once: KPI events and covariates. */
    interface Batches {
        /**
         * Largest batch body, in bytes (8 MiB). A batch holds at most 10,000 records, and a record with every text at
         * its longest takes about 320 bytes of compact JSON: 3.2 MB; the rest leaves room for indentation and escapes.
         * Beyond it a batch is refused before it is parsed, instead of after (the application's own limit is 32 MB).
         */
        @WithDefault("8388608")
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

    /** Where exposures and KPI events go, and where results read them from ({@code io.mptrec.ab.events}). */
    interface Events {

        enum Transport {
            /** Straight into the database's exposure and kpi_event tables; results read them (the default). */
            DATABASE,
            /** Published to Kafka; an aggregator folds them into per-unit sums, which results read. */
            KAFKA
        }

        @WithDefault("database")
        Transport transport();

        Kafka kafka();

        Aggregator aggregator();

        interface Kafka {
            /** The brokers, e.g. 127.0.0.1:9092; required with transport=kafka or a running aggregator. */
            Optional<String> bootstrapServers();

            /** Exposures and KPI events, keyed by unit (so a unit's exposures and their events share a partition). */
            @WithDefault("mptrec.ab-events")
            String topic();

            /** Records the aggregator can never apply, with the reason in their headers. */
            @WithDefault("mptrec.ab-events.dead-letter")
            String deadLetterTopic();

            /** Partitions of the topic when the application creates it (the most aggregators that can share it). */
            @WithDefault("6")
            @Min(1)
            @Max(1000)
            int partitions();

            /** How long a KPI batch waits for the brokers' acknowledgement before the request fails (503). */
            @WithDefault("30s")
            java.time.Duration ackTimeout();
        }

        interface Aggregator {
            /** Whether this process runs an aggregator (any number of processes may: they share the partitions). */
            @WithDefault("false")
            boolean enabled();

            /** The consumer group; its offsets live in the database beside the aggregates. */
            @WithDefault("mptrec-aggregator")
            String group();

            /** Most records applied in one database transaction. */
            @WithDefault("2000")
            @Min(1)
            @Max(100000)
            int maxBatch();
        }
    }
}

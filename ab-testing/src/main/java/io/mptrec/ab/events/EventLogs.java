package io.mptrec.ab.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.config.AbConfig.Events.Transport;
import io.mptrec.ab.kpi.service.KpiEventService;
import io.mptrec.ab.serving.service.ExposureWriter;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import java.time.Clock;

/** Picks the {@link EventLog} that {@code mptrec.ab.events.transport} names; with Kafka, checks the brokers at start. */
@ApplicationScoped
public class EventLogs {

    private final AbConfig config;
    private final EventTopics topics;

    public EventLogs(AbConfig config, EventTopics topics) {
        this.config = config;
        this.topics = topics;
    }

    @Produces
    @ApplicationScoped
    EventLog eventLog(ExposureWriter exposures, KpiEventService kpi, Clock clock, AggregateProgress progress,
                      MeterRegistry meters) {
        return switch (config.events().transport()) {
            case DATABASE -> new DatabaseEventLog(exposures, kpi);
            case KAFKA -> new KafkaEventLog(config.events(), topics.bootstrapServers(), clock, progress, meters);
        };
    }

    void close(@Disposes EventLog log) {
        if (log instanceof KafkaEventLog kafka) {
            kafka.close();
        }
    }

    /** Fails the start, with the reason, when Kafka is chosen and cannot be used; creates the topics if absent. */
    void check(@Observes StartupEvent event) {
        if (config.events().transport() == Transport.KAFKA) {
            topics.ensureTopics();
        }
    }

    /** Whether results read the aggregates (Kafka) rather than the exposure and KPI tables. */
    public boolean readsAggregates() {
        return config.events().transport() == Transport.KAFKA;
    }
}

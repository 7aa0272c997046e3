package io.mptrec.ab.events;

import io.micrometer.core.instrument.Gauge;
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

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Picks the {@link EventLog} that {@code mptrec.ab.events.transport} names; with Kafka, checks the brokers at start. */
@ApplicationScoped
public class EventLogs {

    public static final String LAG = "mptrec.events.lag";
    public static final String AGE = "mptrec.events.results.age";

    private final AbConfig config;
    private final EventTopics topics;
    private final AggregateProgress progress;
    private final MeterRegistry meters;
    private final DataSource dataSource;

    public EventLogs(AbConfig config, EventTopics topics, AggregateProgress progress, MeterRegistry meters,
                     DataSource dataSource) {
        this.config = config;
        this.topics = topics;
        this.progress = progress;
        this.meters = meters;
        this.dataSource = dataSource;
    }

    @Produces
    @ApplicationScoped
    EventLog eventLog(ExposureWriter exposures, KpiEventService kpi, Clock clock) {
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

    /**
     * With Kafka: fails the start, with the reason, when the brokers cannot be used; creates the topics if absent;
     * registers the consumer lag (records published and not yet in the aggregates) and the results' age (seconds
     * since {@link AggregateProgress#asOf()}) as gauges, NaN while they cannot be read.
     */
    void check(@Observes StartupEvent event) {
        if (config.events().transport() != Transport.KAFKA) {
            return;
        }
        AggregateStore.requirePostgresql(dataSource, "mptrec.ab.events.transport=kafka (its aggregates)");
        topics.ensureTopics();
        Gauge.builder(LAG, progress, p -> orNaN(() -> (double) p.lag()))
                .description("Event records published to Kafka and not yet applied to the aggregates")
                .register(meters);
        Gauge.builder(AGE, progress, p -> orNaN(() -> {
                    Instant asOf = p.asOf();
                    return asOf == null ? Double.NaN : Duration.between(asOf, Instant.now()).toMillis() / 1000.0;
                }))
                .description("Seconds since the time up to which results include every exposure and KPI event")
                .baseUnit("seconds")
                .register(meters);
    }

    private static double orNaN(Supplier<Double> reading) {
        try {
            return reading.get();
        } catch (RuntimeException brokersOrDatabaseAway) {
            return Double.NaN;
        }
    }

    /** Whether results read the aggregates (Kafka) rather than the exposure and KPI tables. */
    public boolean readsAggregates() {
        return config.events().transport() == Transport.KAFKA;
    }
}

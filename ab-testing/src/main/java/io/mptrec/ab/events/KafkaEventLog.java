package io.mptrec.ab.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.events.EventRecord.ExposureRecord;
import io.mptrec.ab.events.EventRecord.KpiRecord;
import io.mptrec.ab.kpi.KpiRequests.KpiAck;
import io.mptrec.ab.kpi.KpiRequests.KpiEventRequest;
import io.mptrec.ab.kpi.service.KpiEventService;
import io.mptrec.ab.serving.Exposure;
import io.mptrec.kernel.problem.ApiException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Kafka path: one idempotent producer ({@code acks=all}) per process publishes exposures and KPI events to the
 * event topic, keyed by their unit ({@link EventRecord#partitionKey()}).
 *
 * <p>Durability, stated plainly: an exposure is handed to the producer's buffer and the response goes out; it is
 * durable once the brokers acknowledge it (milliseconds; the producer retries meanwhile). A kill -9 loses what is
 * still in the buffer (at most {@code buffer.memory}, 32 MiB), as the direct path loses its queue. A full buffer
 * blocks the request up to {@link #BLOCK_MILLIS} ms, then 503. A KPI batch is acknowledged only after every one of
 * its events is acknowledged by all in-sync replicas: an acknowledged event is never lost. Duplicates (a retried
 * batch) are published again and counted once by the aggregator, which keeps the first event of each id.
 */
final class KafkaEventLog implements EventLog, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaEventLog.class);
    static final int BLOCK_MILLIS = 10_000;
    public static final String LOST_EXPOSURES = "mptrec.events.exposures.unpublished";

    private final AbConfig.Events config;
    private final Clock clock;
    private final KafkaProducer<String, byte[]> producer;
    private final AggregateProgress progress;
    private final Counter unpublished;

    KafkaEventLog(AbConfig.Events config, String bootstrapServers, Clock clock, AggregateProgress progress,
                  MeterRegistry meters) {
        this.config = config;
        this.clock = clock;
        this.progress = progress;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, BLOCK_MILLIS,
                ProducerConfig.CLIENT_ID_CONFIG, "mptrec-events"),
                new StringSerializer(), new ByteArraySerializer());
        this.unpublished = Counter.builder(LOST_EXPOSURES)
                .description("Exposures the brokers did not acknowledge after the producer's retries (logged)")
                .register(meters);
    }

    @Override
    public void exposure(Exposure exposure) {
        ExposureRecord record = ExposureRecord.of(exposure);
        send(record, (metadata, error) -> {
            if (error != null) {
                unpublished.increment();
                LOG.errorf(error, "exposure %s was not published: %s", record.requestId(), EventCodec.text(
                        EventCodec.encode(record)));
            }
        });
    }

    @Override
    public KpiAck kpiEvents(List<KpiEventRequest> events) {
        Map<String, KpiEventRequest> unique = KpiEventService.validate(events);
        Instant now = clock.instant();
        List<Future<RecordMetadata>> acks = new ArrayList<>(unique.size());
        for (KpiEventRequest e : unique.values()) {
            acks.add(send(KpiRecord.of(e, now), null));
        }
        long deadline = System.nanoTime() + config.kafka().ackTimeout().toNanos();
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("event-log-unavailable", "interrupted while waiting for the brokers");
        } catch (ExecutionException | TimeoutException e) {
            LOG.errorf(e, "a KPI batch of %d events was not acknowledged by the brokers", unique.size());
            throw ApiException.unavailable("event-log-unavailable", "the event log did not acknowledge the batch "
                    + "within " + config.kafka().ackTimeout().toSeconds() + " s; nothing is acknowledged, send it "
                    + "again (events are idempotent by id)");
        }
        return new KpiAck(events.size(), unique.size(), events.size() - unique.size());
    }

    @Override
    public void awaitReadable() {
        producer.flush();
        progress.awaitApplied(config.kafka().topic(), config.aggregator().group());
    }

    private Future<RecordMetadata> send(EventRecord record, org.apache.kafka.clients.producer.Callback callback) {
        try {
            return producer.send(new ProducerRecord<>(config.kafka().topic(), record.partitionKey(),
                    EventCodec.encode(record)), callback);
        } catch (KafkaException e) {
            // A full buffer (blocked BLOCK_MILLIS) or brokers unknown for as long: the client may retry.
            LOG.errorf(e, "cannot publish to %s", config.kafka().topic());
            throw ApiException.unavailable("event-log-unavailable", "the event log cannot take the record now ("
                    + e.getClass().getSimpleName() + "); try again later");
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(20)); // sends what is buffered first
    }
}

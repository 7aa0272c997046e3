package io.mptrec.ab.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.events.AggregateStore.PartitionBatch;
import io.mptrec.ab.events.AggregateStore.StaleOffset;
import io.mptrec.ab.store.SqlErrors;
import io.mptrec.kernel.problem.ApiException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The aggregator: a member of the consumer group {@code mptrec.ab.events.aggregator.group} that folds the event topic
 * into the per-unit sums ({@link AggregateStore}), when {@code mptrec.ab.events.aggregator.enabled=true}. Any number
 * of replicas (or a process started only for this) may run one; Kafka shares the partitions among them.
 *
 * <p>Offsets live in the database, moved in the same transaction as the sums (see {@link AggregateStore}); Kafka's
 * own committed offsets are not used. On assignment the aggregator seeks to the database's offset; when a batch finds
 * its offsets moved (the partition went to another member meanwhile) it applies nothing and seeks again.
 *
 * <p>One bad record never blocks a partition: a record that is not an event (not JSON, unknown type, a field the edge
 * would refuse) or that the database refuses on its own (a data or constraint error) goes to the dead-letter topic
 * with the reason, the source partition and offset in its headers, is counted in {@value #DEAD_LETTERS} and logged;
 * the partition moves on. Any other failure (database or brokers down) is retried from the same offsets.
 */
@ApplicationScoped
public class EventAggregator {

    private static final Logger LOG = Logger.getLogger(EventAggregator.class);
    public static final String DEAD_LETTERS = "mptrec.events.dead.letters";
    private static final long RETRY_MILLIS = 1_000;
    private static final long IDLE_STAMP_MILLIS = 1_000;

    private final AbConfig.Events config;
    private final EventTopics topics;
    private final AggregateStore store;
    private final DataSource dataSource;
    private final Counter deadLetters;
    /** Per assigned partition, the next offset as the database holds it (the start of the next batch). */
    private final Map<Integer, Long> expected = new ConcurrentHashMap<>();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean stopping;

    public EventAggregator(AbConfig config, EventTopics topics, AggregateStore store, DataSource dataSource,
                           MeterRegistry meters) {
        this.config = config.events();
        this.topics = topics;
        this.store = store;
        this.dataSource = dataSource;
        this.deadLetters = Counter.builder(DEAD_LETTERS)
                .description("Event records the aggregator can never apply, sent to the dead-letter topic")
                .register(meters);
    }

    void start(@Observes StartupEvent event) {
        if (!config.aggregator().enabled()) {
            return;
        }
        AggregateStore.requirePostgresql(dataSource, "the aggregator (mptrec.ab.events.aggregator.enabled)");
        topics.ensureTopics();
        Thread t = new Thread(this::run, "mptrec-aggregator");
        t.setDaemon(true);
        thread = t;
        t.start();
        LOG.infof("aggregator started: group %s on %s", config.aggregator().group(), config.kafka().topic());
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        String topic = config.kafka().topic();
        String group = config.aggregator().group();
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.aggregator().maxBatch(),
                ConsumerConfig.CLIENT_ID_CONFIG, "mptrec-aggregator");
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "mptrec-aggregator-dead-letters");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> deadLetterProducer = new KafkaProducer<>(producerConfig,
                     new StringSerializer(), new ByteArraySerializer())) {
            consumer = c;
            c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    for (TopicPartition p : partitions) {
                        seekToStored(c, p);
                    }
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(p -> expected.remove(p.partition()));
                }
            });
            long lastStamp = 0;
            while (!stopping) {
                Instant polledAt = Instant.now();
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    if (System.currentTimeMillis() - lastStamp > IDLE_STAMP_MILLIS) {
                        stampIdle(c, group, topic, polledAt);
                        lastStamp = System.currentTimeMillis();
                    }
                    continue;
                }
                try {
                    applyOrDeadLetter(c, deadLetterProducer, group, topic, records, polledAt);
                } catch (StaleOffset e) {
                    LOG.warnf("%s; seeking to the stored offsets", e.getMessage());
                    c.assignment().forEach(p -> seekToStored(c, p));
                } catch (RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    LOG.errorf(e, "could not apply %d records; retrying from the stored offsets in %d ms",
                            records.count(), RETRY_MILLIS);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS));
                    c.assignment().forEach(p -> seekToStored(c, p));
                }
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.errorf(e, "the aggregator stopped");
        } finally {
            consumer = null;
        }
    }

    private void seekToStored(KafkaConsumer<String, byte[]> c, TopicPartition p) {
        long next = store.claim(config.aggregator().group(), p.topic(), p.partition());
        expected.put(p.partition(), next);
        c.seek(p, next);
    }

    /** Applies the polled records in one transaction; if the database refuses their data, one record at a time. */
    private void applyOrDeadLetter(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> deadLetterProducer,
                                   String group, String topic, ConsumerRecords<String, byte[]> records,
                                   Instant polledAt) {
        List<PartitionBatch> batches = new ArrayList<>();
        for (TopicPartition p : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> polled = records.records(p);
            Long from = expected.get(p.partition());
            if (from == null) {
                continue; // revoked meanwhile
            }
            List<EventRecord> events = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : polled) {
                try {
                    EventRecord e = EventCodec.decode(r.value());
                    e.validate();
                    events.add(e);
                } catch (IOException | ApiException e) {
                    deadLetter(deadLetterProducer, r, reason(e));
                }
            }
            ConsumerRecord<String, byte[]> last = polled.get(polled.size() - 1);
            OptionalLong lag = c.currentLag(p);
            Instant until = lag.isPresent() && lag.getAsLong() == 0 ? polledAt : Instant.ofEpochMilli(last.timestamp());
            batches.add(new PartitionBatch(p.partition(), from, last.offset() + 1, until, events));
        }
        try {
            store.apply(group, topic, batches);
        } catch (AggregateStore.AggregateStoreException e) {
            if (!SqlErrors.refusedData(e)) {
                throw e;
            }
            LOG.warnf("a batch of %d records was refused (%s); applying it one record at a time", records.count(),
                    e.getMessage());
            applyOneByOne(deadLetterProducer, group, topic, records, batches);
            return;
        }
        batches.forEach(b -> expected.put(b.partition(), b.next()));
    }

    private void applyOneByOne(KafkaProducer<String, byte[]> deadLetterProducer, String group, String topic,
                               ConsumerRecords<String, byte[]> records, List<PartitionBatch> batches) {
        for (PartitionBatch b : batches) {
            TopicPartition p = new TopicPartition(topic, b.partition());
            for (ConsumerRecord<String, byte[]> r : records.records(p)) {
                long from = expected.get(b.partition());
                List<EventRecord> one;
                try {
                    EventRecord e = EventCodec.decode(r.value());
                    e.validate();
                    one = List.of(e);
                } catch (IOException | ApiException e) {
                    one = List.of(); // already dead-lettered above
                }
                PartitionBatch single = new PartitionBatch(b.partition(), from, r.offset() + 1, null, one);
                try {
                    store.apply(group, topic, List.of(single));
                } catch (AggregateStore.AggregateStoreException e) {
                    if (!SqlErrors.refusedData(e)) {
                        throw e;
                    }
                    deadLetter(deadLetterProducer, r, "refused by the database: " + e.getMessage());
                    store.apply(group, topic, List.of(new PartitionBatch(b.partition(), from, r.offset() + 1, null,
                            List.of())));
                }
                expected.put(b.partition(), r.offset() + 1);
            }
        }
    }

    /** Sends the record to the dead-letter topic and waits for the brokers (at-least-once: a retry may repeat it). */
    private void deadLetter(KafkaProducer<String, byte[]> producer, ConsumerRecord<String, byte[]> r, String reason) {
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(config.kafka().deadLetterTopic(), r.key(),
                r.value());
        letter.headers().add("mptrec.reason", reason.getBytes(StandardCharsets.UTF_8));
        letter.headers().add("mptrec.source", (r.topic() + "/" + r.partition() + "@" + r.offset())
                .getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(letter).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to the dead-letter topic: " + e, e);
        }
        deadLetters.increment();
        LOG.errorf("DEAD LETTER: %s/%d@%d (%s): %s", r.topic(), r.partition(), r.offset(), reason,
                cut(EventCodec.text(r.value()), 2000));
    }

    /** Stamps the partitions with nothing left as applied until the poll; seeks again where the offset moved. */
    private void stampIdle(KafkaConsumer<String, byte[]> c, String group, String topic, Instant polledAt) {
        Map<Integer, Long> idle = new HashMap<>();
        for (TopicPartition p : c.assignment()) {
            OptionalLong lag = c.currentLag(p);
            Long next = expected.get(p.partition());
            if (next != null && lag.isPresent() && lag.getAsLong() == 0) {
                idle.put(p.partition(), next);
            }
        }
        if (!idle.isEmpty()) {
            try {
                for (int moved : store.idle(group, topic, idle, polledAt)) {
                    LOG.infof("partition %d of %s moved in the database (a replay?); seeking to it", moved, topic);
                    seekToStored(c, new TopicPartition(topic, moved));
                }
            } catch (RuntimeException e) {
                LOG.warnf("cannot stamp the offsets: %s", e.getMessage());
            }
        }
    }

    private static String reason(Exception e) {
        return e instanceof ApiException a ? a.problem().field() + ": " + a.problem().detail()
                : "not an event record: " + cut(String.valueOf(e.getMessage()), 500);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

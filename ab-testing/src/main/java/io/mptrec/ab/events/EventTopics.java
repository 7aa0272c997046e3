package io.mptrec.ab.events;

import io.mptrec.ab.config.AbConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The event topic and its dead-letter topic on the brokers: created when absent, and their end offsets. */
@ApplicationScoped
public class EventTopics {

    private static final long TIMEOUT_SECONDS = 30;

    private final AbConfig.Events config;
    private volatile Admin admin;

    public EventTopics(AbConfig config) {
        this.config = config.events();
    }

    /** The brokers to use; refuses to go on without them. */
    public String bootstrapServers() {
        return config.kafka().bootstrapServers().orElseThrow(() -> new IllegalStateException(
                "mptrec.ab.events.transport=kafka and the aggregator need mptrec.ab.events.kafka.bootstrap-servers "
                        + "(e.g. 127.0.0.1:9092; scripts/kafka.sh starts a broker)"));
    }

    /** Creates the topics if they do not exist (the brokers' default replication factor). */
    public void ensureTopics() {
        for (NewTopic topic : List.of(
                new NewTopic(config.kafka().topic(), Optional.of(config.kafka().partitions()), Optional.empty()),
                new NewTopic(config.kafka().deadLetterTopic(), Optional.of(1), Optional.empty()))) {
            try {
                admin().createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause(), e);
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e, e);
            }
        }
    }

    /** Per partition of the event topic, the offset the next record will get. */
    public Map<Integer, Long> endOffsets() {
        return offsets(OffsetSpec.latest());
    }

    /** Per partition of the event topic, the first offset it still holds (retention removes older records). */
    public Map<Integer, Long> firstOffsets() {
        return offsets(OffsetSpec.earliest());
    }

    private Map<Integer, Long> offsets(OffsetSpec spec) {
        String topic = config.kafka().topic();
        try {
            TopicDescription d = admin().describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), spec));
            Map<Integer, Long> ends = new HashMap<>();
            admin().listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            return ends;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the offsets of " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of " + topic + ": " + e, e);
        }
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                            AdminClientConfig.CLIENT_ID_CONFIG, "mptrec-events-admin"));
                }
            }
        }
        return admin;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(5));
        }
    }
}

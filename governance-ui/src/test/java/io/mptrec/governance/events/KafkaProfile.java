package io.mptrec.governance.events;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;

/** The application on the test PostgreSQL with the Kafka transport and an aggregator, on a broker of its own. */
public class KafkaProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KafkaResource.class));
    }
}

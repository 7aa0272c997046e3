package io.mptrec.governance;

import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/** Each transition lands in the outbox and reaches the webhook, after one refused attempt and a backoff. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(WebhookReceiverResource.class)
class WebhookDeliveryTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "webhooks";

    @Test
    void shouldDeliverEveryEventWithRetry() throws InterruptedException {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(TASK, TestArtifacts.prompt(ENCODER, TASK, 81));

        List<Map<String, Object>> events = List.of();
        for (int i = 0; i < 40; i++) {
            events = as("dave").get("/api/v1/events?task=" + TASK).then().statusCode(200).extract().path("$");
            boolean allDelivered = !events.isEmpty() && events.stream().allMatch(e ->
                    ((List<Map<String, Object>>) e.get("deliveries")).stream().allMatch(d -> "DELIVERED".equals(d.get("status"))));
            if (allDelivered) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(events).extracting(e -> e.get("type")).containsExactly("LABEL_MOVED", "VERSION_RELEASE",
                "VERSION_APPROVE", "VERSION_SUBMIT", "VERSION_UPLOADED");
        for (Map<String, Object> e : events) {
            List<Map<String, Object>> deliveries = (List<Map<String, Object>>) e.get("deliveries");
            assertThat(deliveries).singleElement().satisfies(d -> {
                assertThat(d.get("status")).isEqualTo("DELIVERED");
                assertThat(d.get("attempts")).isEqualTo(2);
            });
        }
    }
}

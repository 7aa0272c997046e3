package io.mptrec.governance;

import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * The registry's refusals through the REST API: paging past what a query can address, filters no entry can match.
 * Each is a 400 problem naming the field; and nothing is stored.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RegistryRefusalTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "refusals";

    private long auditBefore;

    @BeforeEach
    void prepare() {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        assertThat(uploadPrompt("alice", TASK, TestArtifacts.prompt(ENCODER, TASK, 61)).statusCode()).isIn(200, 201);
        auditBefore = auditTotal();
    }

    @AfterEach
    void nothingStored() {
        assertThat(auditTotal()).as("audit entries after a refusal").isEqualTo(auditBefore);
        as("erin").get("/api/v1/tasks/" + TASK + "/versions").then().statusCode(200).body("size()", equalTo(1))
                .body("[0].status", equalTo("DRAFT"));
    }

    private static long auditTotal() {
        return ((Number) as("dave").get("/api/v1/audit?size=1").then().statusCode(200).extract().path("total"))
                .longValue();
    }

    private static void assertRefused(Response r, String field, String detailPart) {
        r.then().statusCode(400).contentType("application/problem+json").body("status", equalTo(400))
                .body("field", equalTo(field)).body("detail", containsString(detailPart));
    }

    @Test
    void shouldRefuseAPageWhoseFirstRowNoQueryCanAddress() {
        for (String path : new String[] {"/api/v1/audit", "/api/v1/events"}) {
            // 4294968 x 500 and 1073741824 x 2 pass 2^31 - 1: the first row's index overflowed into a 500
            assertRefused(as("dave").get(path + "?page=4294968&size=500"), "page",
                    "page must be an integer from 0 to 4294967 at size 500");
            assertRefused(as("dave").get(path + "?page=1073741824&size=2"), "page", "from 0 to 1073741823 at size 2");
            assertRefused(as("dave").get(path + "?page=2147483647&size=500"), "page", "from 0 to 4294967");
            assertRefused(as("dave").get(path + "?page=99999999999"), "page", "from 0 to 42949672 at size 50");
            assertRefused(as("dave").get(path + "?page=-1"), "page", "from 0");
            assertRefused(as("dave").get(path + "?page=first"), "page", "from 0");
            assertRefused(as("dave").get(path + "?size=0"), "size", "size must be an integer from 1 to 500");
            assertRefused(as("dave").get(path + "?size=501"), "size", "from 1 to 500");
            assertRefused(as("dave").get(path + "?size=99999999999&page=0"), "size", "from 1 to 500");
        }
        // the last page that can be addressed is a page like any other: past the last row, empty
        as("dave").get("/api/v1/audit?page=4294967&size=500").then().statusCode(200)
                .body("items.size()", equalTo(0)).body("page", equalTo(4294967)).body("size", equalTo(500));
        as("carol").get("/api/v1/events?page=1073741823&size=2").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void shouldRefuseAFilterNoEntryCanMatch() {
        assertRefused(as("dave").get("/api/v1/audit?action=NOPE"), "action", "action must be one of ");
        assertRefused(as("dave").get("/api/v1/audit?action=release"), "action", "RELEASE, RETIRE");
        assertRefused(as("dave").get("/api/v1/audit/export?format=json&action=NOPE"), "action", "UPLOAD");
        as("dave").get("/api/v1/audit?action=NOPE").then().body("detail", not(containsString("NOPE")));
        as("dave").get("/api/v1/audit?task=" + TASK + "&action=UPLOAD").then().statusCode(200)
                .body("total", equalTo(1));
        assertRefused(as("carol").get("/api/v1/events?task=Bad"), "task", "task must match [a-z][a-z0-9_-]{0,63}");
        as("carol").get("/api/v1/events?task=" + TASK).then().statusCode(200).body("[0].type",
                equalTo("VERSION_UPLOADED"));
    }
}

package io.mptrec.governance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.transition;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * The registry's refusals through the REST API: paging past what a query can address, filters no entry can match,
 * manifests and reports the registry would not store. Each is a 400 problem naming the field, with a detail that
 * names a control character by its code and quotes nothing of the parser; and nothing is stored.
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

    @Test
    void shouldNameAControlCharacterInAManifestByItsCode() {
        Response wrongTask = upload(edited(meta -> meta.put("task", "inc\u0001ome")));
        assertRefused(wrongTask, "manifest.metadata.task", "holds the control character U+0001 at index 3");
        assertThat(wrongTask.jsonPath().getString("detail")).doesNotContain("\u0001");
        Response code = upload(edited(meta -> ((ObjectNode) meta.get("lineage")).put("codeVersion", "a\u0000b")));
        assertRefused(code, "manifest.metadata.lineage.codeVersion", "the control character U+0000 at index 1");
        assertThat(code.jsonPath().getString("detail")).doesNotContain("\u0000");
        // a key is named by the object that holds it
        assertRefused(upload(edited(meta -> ((ObjectNode) meta.get("lineage")).put("extra\u007f", "x"))),
                "manifest.metadata.lineage", "a key of manifest.metadata.lineage holds the control character U+007F");
    }

    @Test
    void shouldRefuseANegativeCountInAManifest() {
        assertRefused(upload(edited(meta -> metric(meta).put("samples", -5))),
                "manifest.metadata.lineage.metrics[0].samples", "is a count: it must be 0 or more, not -5");
        assertRefused(upload(edited(meta -> metric(meta).put("positives", -1))),
                "manifest.metadata.lineage.metrics[0].positives", "0 or more");
        assertRefused(upload(edited(meta -> metric(meta).put("positives", 1001))),
                "manifest.metadata.lineage.metrics[0].positives", "at most the metric's samples (1000)");
        assertRefused(upload(edited(meta -> ((ObjectNode) meta.get("lineage")).put("epochs", -1))),
                "manifest.metadata.lineage.epochs", "0 or more");
    }

    @Test
    void shouldSayPlainlyWhyAManifestIsNotJson() {
        ArtifactBundle prompt = TestArtifacts.prompt(ENCODER, TASK, 62);
        Map<String, byte[]> files = TestArtifacts.unzip(prompt.toZip());
        String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8);
        String nan = manifest.replaceFirst("(\"value\"\\s*:\\s*)[-0-9.eE]+", "$1NaN");
        assertThat(nan).isNotEqualTo(manifest);
        files.put("manifest.json", nan.getBytes(StandardCharsets.UTF_8));
        Response r = as("alice").contentType("application/zip").body(TestArtifacts.zip(files))
                .post("/api/v1/tasks/" + TASK + "/versions");
        assertRefused(r, "body", "manifest.json is not valid JSON at line ");
        String detail = r.jsonPath().getString("detail");
        assertThat(detail).endsWith(": NaN is not a number")
                .doesNotContain("JsonReadFeature", "StreamReadFeature", "Source", "REDACTED", "`", "\n");
    }

    @Test
    void shouldNameAControlCharacterInAReportByItsCode() {
        String report = "/api/v1/tasks/" + TASK + "/versions/1/report";
        Response key = as("alice").contentType("application/json").body("{\"extra\\u0000\":1}").put(report);
        assertRefused(key, "body", "a key of body holds the control character U+0000 at index 5");
        assertThat(key.jsonPath().getString("detail")).doesNotContain("\u0000");
        Response text = as("alice").contentType("application/json")
                .body("{\"fields\":[{\"name\":\"a\\u0007\"}]}").put(report);
        assertRefused(text, "fields[0].name", "fields[0].name holds the control character U+0007 at index 1");
        as("bob").get(report).then().statusCode(404);
    }

    @Test
    void shouldSayWhichStatusATransitionNeedsInPlainEnglish() {
        transition("bob", TASK, 1, "approve", null).then().statusCode(409)
                .body("detail", equalTo("version 1 is DRAFT; only an IN_REVIEW version can be approved"));
        transition("carol", TASK, 1, "release", null).then().statusCode(409)
                .body("detail", containsString("only an APPROVED version can be released"));
    }

    private static ObjectNode metric(ObjectNode meta) {
        return (ObjectNode) ((ArrayNode) meta.get("lineage").get("metrics")).get(0);
    }

    /** A prompt for the task whose metadata a client changed, with its content hash recomputed as a tool would. */
    private static ArtifactBundle edited(Consumer<ObjectNode> change) {
        ArtifactBundle prompt = TestArtifacts.prompt(ENCODER, TASK, 63);
        ObjectNode meta = prompt.metadata().deepCopy();
        change.accept(meta);
        return ArtifactBundle.of(TaskPromptArtifact.KIND, meta, prompt.arrays());
    }

    private static Response upload(ArtifactBundle bundle) {
        return uploadPrompt("alice", TASK, bundle);
    }
}

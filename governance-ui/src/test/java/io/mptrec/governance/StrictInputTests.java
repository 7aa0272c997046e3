package io.mptrec.governance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mptrec.governance.ui.UiSession;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.Sha256;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * Issue 13, classes 1 and 4 on PostgreSQL: input that used to answer 500 (duplicate keys, a JSON null body, malformed
 * .npy headers, far dates, NUL in the registry's free text) or to be accepted though wrong (declared widths that are
 * not the arrays', weights of 3e38, a 16.7 MB score body, a ramp of 1e-320, {@code "name": true}) is refused with a
 * problem+json 4xx naming the field, and changes nothing: no version, approval, label, experiment or audit entry.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class StrictInputTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] TABLES = {"prompt_version", "label", "approval", "experiment", "audit_log", "exposure",
            "kpi_event"};

    @Inject
    DataSource dataSource;

    @Test
    void shouldRefuseDuplicateKeysOnEveryTransitionNamingTheKey() {
        String task = "strict-dup";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int released = Api.released(task, TestArtifacts.prompt(ENCODER, task, 301));
        int approved = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 302));
        int draft = Api.uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 303)).then().statusCode(201)
                .extract().path("number");
        long experiment = Api.experiment(task, "strict-dup-ab", released, approved);
        String dup = "{\"reason\":\"a\",\"reason\":\"b\"}";
        Map<String, Long> before = rows();
        for (String[] call : new String[][]{{"alice", "submit", "" + draft}, {"bob", "approve", "" + draft},
                {"bob", "reject", "" + draft}, {"carol", "release", "" + approved}}) {
            refused(Api.transition(call[0], task, Integer.parseInt(call[2]), call[1], dup), 400, "reason")
                    .body("detail", containsString("more than once"));
        }
        refused(Api.transition("bob", task, draft, "approve", "{\"comment\":\"x\",\"reason\":null,\"comment\":\"y\"}"),
                400, "comment");
        for (String action : List.of("start", "pause", "stop")) {
            refused(as("erin").contentType("application/json").body(dup)
                    .post("/api/v1/experiments/" + experiment + "/" + action), 400, "reason");
        }
        // nested: the key's path
        refused(as("erin").contentType("application/json").body("{\"events\":[{\"eventId\":\"d1\",\"requestId\":\"r\","
                + "\"metric\":\"spend\",\"value\":1,\"value\":2}]}").post("/api/v1/events/kpi"), 400, "events[0].value");
        assertThat(rows()).isEqualTo(before);
        assertThat(Api.experimentStatus(experiment)).isEqualTo("DRAFT");
    }

    @Test
    void shouldRefuseValuesOfTheWrongTypeAndUnknownPropertiesNamingTheField() {
        String task = "strict-types";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 311));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 312));
        Map<String, Object> arms = Map.of("arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                Map.of("name", "treatment", "version", v2, "weight", 0.5)));
        Map<String, Long> before = rows();
        refused(create(arms, "\"name\": true, \"task\": \"" + task + "\""), 400, "name");
        refused(create(arms, "\"name\": 12, \"task\": \"" + task + "\""), 400, "name");
        refused(create(arms, "\"name\": \"t\", \"task\": \"" + task + "\", \"ramp\": \"0.5\""), 400, "ramp");
        // Jackson takes these texts into a double whatever its coercion settings: a text is not a number
        for (String special : List.of("NaN", "Infinity", "-Infinity")) {
            refused(create(arms, "\"name\": \"t\", \"task\": \"" + task + "\", \"ramp\": \"" + special + "\""),
                    400, "ramp").body("detail", containsString("ramp must be a number"));
            refused(as("erin").contentType("application/json").body("{\"events\":[{\"eventId\":\"t1\","
                    + "\"requestId\":\"r\",\"metric\":\"spend\",\"value\":\"" + special + "\"}]}")
                    .post("/api/v1/events/kpi"), 400, "events[0].value");
        }
        refused(create(arms, "\"name\": \"t\", \"task\": \"" + task + "\", \"plannedPerArm\": 10.5"), 400, "plannedPerArm");
        refused(create(arms, "\"name\": \"t\", \"task\": \"" + task + "\", \"hashVersion\": true"), 400, "hashVersion");
        refused(create(arms, "\"name\": \"t\", \"task\": \"" + task + "\", \"nmae\": \"typo\""), 400, "nmae");
        refused(as("erin").contentType("application/json").body("{\"name\":\"t\",\"task\":\"" + task + "\",\"arms\":["
                + "{\"name\":\"control\",\"version\":\"1\",\"weight\":0.5},{\"name\":\"treatment\",\"version\":2,"
                + "\"weight\":0.5}]}").post("/api/v1/experiments"), 400, "arms[0].version");
        refused(as("alice").contentType("application/json").body("{\"version\":1.5}")
                .put("/api/v1/tasks/" + task + "/labels/staging"), 400, "version");
        refused(as("erin").contentType("application/json").body("{\"events\":[{\"eventId\":\"t1\",\"requestId\":\"r\","
                + "\"metric\":\"spend\",\"value\":\"1\"}]}").post("/api/v1/events/kpi"), 400, "events[0].value");
        refused(as("alice").contentType("application/json").body("{\"version\":99999999999}")
                .put("/api/v1/tasks/" + task + "/labels/staging"), 400, "version");
        as("erin").contentType("application/json").body("{\"events\":" + "[".repeat(5000) + "]".repeat(5000) + "}")
                .post("/api/v1/events/kpi").then().statusCode(400).contentType("application/problem+json");
        refused(Api.transition("bob", task, v2, "approve", "{\"comment\":false}"), 400, "comment");
        refused(Api.transition("carol", task, v2, "release", "{\"reasn\":\"typo\"}"), 400, "reasn");
        assertThat(rows()).isEqualTo(before);
        // an integer is a number: a ramp of 1 is fine, and so is a body without optional fields
        as("erin").contentType("application/json").body("{\"name\":\"strict-types-ok\",\"task\":\"" + task
                        + "\",\"ramp\":1,\"arms\":[{\"name\":\"control\",\"version\":" + v1 + ",\"weight\":0.5},"
                        + "{\"name\":\"treatment\",\"version\":" + v2 + ",\"weight\":0.5}]}")
                .post("/api/v1/experiments").then().log().ifValidationFails().statusCode(201);
    }

    /**
     * At most 10 arms and 20 success metrics and 20 guardrails: each results read sums every metric of every arm
     * (20,000 metrics took a minute and ended in a server error).
     */
    @Test
    void shouldRefuseMoreArmsOrMetricsThanAnAnalysisReadsInTime() {
        Map<String, Long> before = rows();
        List<Map<String, Object>> arms = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            arms.add(Map.of("name", "arm" + i, "version", i + 1, "weight", i == 0 ? 0.5 : 0.05));
        }
        List<Map<String, Object>> metrics = new ArrayList<>();
        List<Map<String, Object>> guardrails = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            metrics.add(Map.of("name", "m" + i, "kind", "MEAN", "direction", "HIGHER_IS_BETTER"));
            guardrails.add(Map.of("name", "g" + i, "kind", "MEAN", "direction", "HIGHER_IS_BETTER", "margin", 0.1,
                    "marginType", "RELATIVE"));
        }
        List<Map<String, Object>> two = arms.subList(0, 2);
        for (Object[] refused : new Object[][] {
                {"arms", arms, List.of(), List.of(), "arms may hold at most 10 entries, got 11"},
                {"successMetrics", two, metrics, List.of(), "successMetrics may hold at most 20 entries, got 21"},
                {"guardrails", two, List.of(), guardrails, "guardrails may hold at most 20 entries, got 21"}}) {
            as("erin").contentType("application/json").body(Map.of("name", "too-many", "task", "income", "arms",
                            refused[1], "successMetrics", refused[2], "guardrails", refused[3]))
                    .post("/api/v1/experiments").then().statusCode(400).contentType("application/problem+json")
                    .body("field", equalTo(refused[0])).body("detail", equalTo(refused[4]));
        }
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void shouldRefuseAJsonNullBodyWhereOneIsRequired() {
        String task = "strict-null";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 321));
        long experiment = Api.experiment(task, "strict-null-ab", v1,
                Api.approved(task, TestArtifacts.prompt(ENCODER, task, 322)));
        Map<String, Long> before = rows();
        refused(as("alice").contentType("application/json").body("null")
                .put("/api/v1/tasks/" + task + "/versions/" + v1 + "/report"), 400, "body");
        refused(as("carol").contentType("application/json").body("null")
                .post("/api/v1/tasks/" + task + "/rollback"), 400, "body");
        refused(as("erin").contentType("application/json").body("null")
                .post("/api/v1/experiments/" + experiment + "/ramp"), 400, "body");
        refused(as("erin").contentType("application/json").body("null").post("/api/v1/events/kpi"), 400, "body");
        refused(as("erin").contentType("application/json").body("null").post("/api/v1/score"), 400, "body");
        refused(as("erin").contentType("application/json").body("null").post("/api/v1/experiments"), 400, "body");
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void shouldRefuseMalformedNpyHeadersNamingTheArray() {
        String task = "strict-npy";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        ArtifactBundle prompt = TestArtifacts.prompt(ENCODER, task, 331);
        Map<String, Long> before = rows();
        List<byte[]> hostile = new ArrayList<>();
        hostile.add(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536), }", 0));
        hostile.add(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, ), }", 0));
        hostile.add(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999, ), }", 0));
        hostile.add(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2, ), }", 0));
        hostile.add(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, ), }", 4));
        byte[] negative = npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, ), }", 4);
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -16); // a header length of -16
        hostile.add(negative);
        byte[] version = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, ), }", 4);
        version[6] = (byte) 0x80; // format version -128
        hostile.add(version);
        for (byte[] npy : hostile) {
            refused(Api.as("alice").contentType("application/zip").body(replaced(prompt, "prompt", npy))
                    .post("/api/v1/tasks/" + task + "/versions"), 400, "body/prompt");
        }
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void shouldRefuseFarDatesNamingTheParameter() {
        for (String far : List.of("-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "1969-12-31T23:59:59Z",
                "+10000-01-01T00:00:00Z")) {
            refused(as("dave").queryParam("from", far).get("/api/v1/audit"), 400, "from");
            refused(as("dave").queryParam("to", far).get("/api/v1/audit"), 400, "to");
            refused(as("dave").queryParam("from", far).queryParam("format", "csv").get("/api/v1/audit/export"), 400,
                    "from");
        }
        as("dave").queryParam("from", "1970-01-01T00:00:00Z").queryParam("to", "9999-12-31T23:59:59Z")
                .get("/api/v1/audit").then().statusCode(200);
    }

    @Test
    void shouldRefuseControlCharactersInTheRegistrysFreeTextNamingTheField() throws Exception {
        String task = "strict-text";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 341));
        int v2 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 342));
        int approved = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 343));
        int draft = Api.uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 344)).then().statusCode(201)
                .extract().path("number");
        int own = Api.uploadPrompt("admin", task, TestArtifacts.prompt(ENCODER, task, 345)).then().statusCode(201)
                .extract().path("number");
        Api.transition("admin", task, own, "submit", null).then().log().ifValidationFails().statusCode(200);
        Map<String, Long> before = rows();
        for (String hostile : List.of("nul\u0000", "esc\u001b[31m", "bell\u0007", "c1\u0085", "x".repeat(4001))) {
            String comment = JSON.writeValueAsString(Map.of("comment", hostile));
            String reason = JSON.writeValueAsString(Map.of("reason", hostile));
            refused(Api.transition("alice", task, draft, "submit", comment), 400, "comment");
            refused(Api.transition("bob", task, draft, "approve", comment), 400, "comment");
            refused(Api.transition("bob", task, draft, "reject", comment), 400, "comment");
            refused(Api.transition("admin", task, own, "approve", reason), 400, "reason"); // the bypass reason
            refused(Api.transition("carol", task, approved, "release", reason), 400, "reason");
            refused(as("carol").contentType("application/json").body(Map.of("reason", hostile, "targetVersion", v1))
                    .post("/api/v1/tasks/" + task + "/rollback"), 400, "reason");
        }
        assertThat(rows()).isEqualTo(before);
        // prose keeps its line breaks and tabs
        Api.transition("alice", task, draft, "submit", null).then().statusCode(200);
        Api.transition("bob", task, draft, "reject", "{\"comment\":\"first line\\n\\tsecond line\"}").then()
                .statusCode(200);
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE reason ~ '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]'"))
                .isZero();
        assertThat(v2).isGreaterThan(v1);
    }

    @Test
    void shouldRefuseArtifactsThatAreAcceptedButWrong() throws Exception {
        String task = "strict-artifact";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        ArtifactBundle prompt = TestArtifacts.prompt(ENCODER, task, 351);
        Map<String, Long> before = rows();
        for (String width : List.of("inputWidth", "promptWidth")) {
            ObjectNode metadata = prompt.metadata().deepCopy();
            metadata.put(width, metadata.path(width).asInt() + 1);
            ArtifactBundle lying = ArtifactBundle.of(prompt.kind(), metadata, prompt.arrays());
            refused(Api.uploadPrompt("alice", task, lying), 400, "body").body("detail", containsString(width));
        }
        for (float hostile : new float[]{3e38f, -3e38f, 1001f}) {
            float[] data = prompt.array("prompt").data().clone();
            data[3] = hostile;
            byte[] npy = io.mptrec.model.artifact.Npy.write(new io.mptrec.model.artifact.FloatArray(
                    prompt.array("prompt").shape(), data));
            refused(as("alice").contentType("application/zip").body(replaced(prompt, "prompt", npy))
                    .post("/api/v1/tasks/" + task + "/versions"), 400, "body")
                    .body("detail", containsString("within +-1000"));
        }
        // the manifest is read as strictly as a body: a text for a number, a fraction for a count are not coerced
        for (String[] coerced : new String[][] {{"seed", "\"351\""}, {"bestEpoch", "1.5"}, {"epochs", "true"}}) {
            ObjectNode metadata = prompt.metadata().deepCopy();
            ((ObjectNode) metadata.path("lineage")).set(coerced[0], JSON.readTree(coerced[1]));
            ArtifactBundle lying = ArtifactBundle.of(prompt.kind(), metadata, prompt.arrays());
            refused(Api.uploadPrompt("alice", task, lying), 400, "manifest.metadata.lineage." + coerced[0]);
        }
        assertThat(rows()).isEqualTo(before);
        Api.uploadPrompt("alice", task, prompt).then().statusCode(201);
    }

    @Test
    void shouldHoldScoringToItsBodyLimitAndCandidateCount() {
        String task = "strict-score";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 361));
        Map<String, Long> before = rows();
        String huge = "{\"task\":\"" + task + "\",\"unitId\":\"u\",\"rows\":[{\"age\":\"" + "4".repeat(16_700_000)
                + "\"}]}";
        refused(as("erin").contentType("application/json").body(huge).post("/api/v1/score"), 413, "body");
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            rows.add(Map.of("age", "40"));
        }
        refused(as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "u", "rows", rows))
                .post("/api/v1/score"), 400, "rows");
        refused(as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "u", "columns",
                Map.of("age", rows.stream().map(r -> "40").toList()))).post("/api/v1/score"), 400, "columns");
        assertThat(rows()).isEqualTo(before);
        as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "u",
                "rows", rows.subList(0, 1000))).post("/api/v1/score").then().statusCode(200);
    }

    /** The request before the state: without the Kafka pipeline a bad offset is still a 400, not the pipeline's 409. */
    @Test
    void shouldRefuseANegativeReplayOffsetBeforeLookingAtThePipeline() {
        as("admin").contentType("application/json").body("{\"fromOffset\":-1}").post("/api/v1/events/pipeline/replay")
                .then().statusCode(400).body("field", equalTo("fromOffset"));
        as("admin").contentType("application/json").body("{\"fromOffset\":0}").post("/api/v1/events/pipeline/replay")
                .then().statusCode(409);
    }

    @Test
    void shouldHoldRampsToStepsOfOneTenThousandth() {
        String task = "strict-ramp";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 371));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 372));
        long id = Api.experiment(task, "strict-ramp-ab", v1, v2);
        Map<String, Long> before = rows();
        for (String ramp : List.of("1e-320", "0.00001", "0.12345", "-0.0001", "1.0001")) {
            refused(as("erin").contentType("application/json").body("{\"ramp\":" + ramp + "}")
                    .post("/api/v1/experiments/" + id + "/ramp"), 400, "ramp");
            refused(as("erin").contentType("application/json").body("{\"name\":\"strict-ramp-x\",\"task\":\"" + task
                    + "\",\"ramp\":" + ramp + ",\"arms\":[{\"name\":\"control\",\"version\":" + v1 + ",\"weight\":0.5},"
                    + "{\"name\":\"treatment\",\"version\":" + v2 + ",\"weight\":0.5}]}")
                    .post("/api/v1/experiments"), 400, "ramp");
        }
        assertThat(rows()).isEqualTo(before);
        as("erin").contentType("application/json").body("{\"ramp\":0.1234}")
                .post("/api/v1/experiments/" + id + "/ramp").then().statusCode(200).body("ramp", equalTo(0.1234f));
        // -0.0 is a ramp of 0, stored and audited as 0.0 (it was kept as "-0.0")
        String ramped = as("erin").contentType("application/json").body("{\"ramp\":-0.0}")
                .post("/api/v1/experiments/" + id + "/ramp").then().statusCode(200).extract().asString();
        assertThat(ramped).contains("\"ramp\":0.0").doesNotContain("-0.0");
    }

    /** Classes the fuzz test found beyond the examples: null list elements, NUL in filters, leaky detail. */
    @Test
    void shouldRefuseNullListElementsNulFiltersAndMalformedReportsWithoutInternals() {
        String task = "strict-fuzz";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 391));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 392));
        long experiment = Api.experiment(task, "strict-fuzz-ab", v1, v2);
        Map<String, Long> before = rows();
        String arms = "\"arms\":[{\"name\":\"control\",\"version\":" + v1 + ",\"weight\":0.5},"
                + "{\"name\":\"treatment\",\"version\":" + v2 + ",\"weight\":0.5}]";
        refused(as("erin").contentType("application/json").body("{\"name\":\"x\",\"task\":\"" + task + "\","
                + arms + ",\"guardrails\":[null]}").post("/api/v1/experiments"), 400, "guardrails[0]");
        refused(as("erin").contentType("application/json").body("{\"name\":\"x\",\"task\":\"" + task + "\","
                + "\"arms\":[null,null]}").post("/api/v1/experiments"), 400, "arms[0]");
        refused(as("erin").contentType("application/json").body("{\"name\":\"x\",\"task\":\"" + task + "\","
                + "\"arms\":[{\"name\":\"control\",\"version\":" + v1 + ",\"weight\":0.5},{\"version\":" + v2
                + ",\"weight\":0.5}]}").post("/api/v1/experiments"), 400, "arms[1].name");
        refused(as("erin").contentType("application/json").body("{\"events\":[null]}").post("/api/v1/events/kpi"),
                400, "events[0]");
        refused(as("erin").contentType("application/json").body("{\"covariates\":[null]}")
                .post("/api/v1/experiments/" + experiment + "/covariates"), 400, "covariates[0]");
        // PostgreSQL cannot compare a NUL: the filters are checked as stored text is
        for (String filter : List.of("task", "actor", "action")) {
            refused(as("dave").queryParam(filter, "a\u0000b").get("/api/v1/audit"), 400, filter);
            refused(as("dave").queryParam(filter, "a\u0000b").get("/api/v1/audit/export"), 400, filter);
        }
        refused(as("dave").queryParam("task", "a\u0000b").get("/api/v1/events"), 400, "task");
        // a text the operation does not use is checked all the same (a reject's reason, a release's comment)
        refused(as("bob").contentType("application/json").body("{\"comment\":\"no\",\"reason\":\"c1\u0085\"}")
                .post("/api/v1/tasks/" + task + "/versions/" + v2 + "/reject"), 400, "reason");
        refused(as("carol").contentType("application/json").body("{\"comment\":\"a\\u001bb\"}")
                .post("/api/v1/tasks/" + task + "/versions/" + v2 + "/release"), 400, "comment");
        // and refused when clean: it would be dropped in silence
        refused(as("bob").contentType("application/json").body("{\"comment\":\"no\",\"reason\":\"why\"}")
                .post("/api/v1/tasks/" + task + "/versions/" + v2 + "/reject"), 400, "reason");
        refused(as("carol").contentType("application/json").body("{\"comment\":\"ship\"}")
                .post("/api/v1/tasks/" + task + "/versions/" + v2 + "/release"), 400, "comment");
        refused(as("alice").contentType("application/json").body("{\"reason\":\"please\"}")
                .post("/api/v1/tasks/" + task + "/versions/" + v2 + "/submit"), 400, "reason");
        // a form content type on the API (the CSRF filter's concern on pages) is a problem, not a bare 400
        refused(as("alice").contentType("application/x-www-form-urlencoded")
                .delete("/api/v1/tasks/" + task + "/labels/candidate"), 400, "body");
        // a malformed report is refused in the report's terms, never with Java class names
        for (String body : List.of("\"x\"", "{\"extra\":1}", "[1,2]", "{\"schemaVersion\":\"one\"}", "{")) {
            refused(as("alice").contentType("application/json").body(body)
                    .put("/api/v1/tasks/" + task + "/versions/" + v2 + "/report"), 400, "body")
                    .body("detail", not(containsString("io.mptrec")))
                    .body("detail", not(containsString("Cannot")))
                    .body("detail", not(containsString("not a contribution report: not a contribution report")));
        }
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void shouldAnswerThePagesFarDatesAndHostileRollbackReasonsWithA400() {
        String task = "strict-pages";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 381));
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 382));
        UiSession dave = UiSession.signIn("dave");
        for (String far : List.of("-999999999-01-01", "+999999999-12-31", "+10000-01-01", "1969-12-30")) {
            assertThat(dave.get("/ui/audit?from=" + far).statusCode()).as("from=" + far).isEqualTo(400);
            assertThat(dave.get("/ui/audit?to=" + far).statusCode()).as("to=" + far).isEqualTo(400);
        }
        // to is inclusive: its day ends at the next midnight, which must lie in the range too
        assertThat(dave.get("/ui/audit?to=9999-12-31").statusCode()).isEqualTo(400);
        assertThat(dave.get("/ui/audit?from=1970-01-01&to=9999-12-30").statusCode()).isEqualTo(200);
        UiSession carol = UiSession.signIn("carol");
        carol.get("/ui/tasks/" + task + "/rollback");
        Map<String, Long> before = rows();
        Response r = carol.post("/ui/tasks/" + task + "/rollback", "reason", "why\u0000not", "target", "" + v1);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(rows()).isEqualTo(before);
    }

    private static Response create(Map<String, Object> arms, String fields) {
        try {
            String armsJson = JSON.writeValueAsString(arms);
            return as("erin").contentType("application/json")
                    .body("{" + fields + "," + armsJson.substring(1)).post("/api/v1/experiments");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static io.restassured.response.ValidatableResponse refused(Response r, int status, String field) {
        return r.then().log().ifValidationFails().statusCode(status).contentType("application/problem+json").body("status", equalTo(status))
                .body("field", equalTo(field));
    }

    /** A .npy file with the given version and header dictionary, and {@code dataBytes} zero bytes of data. */
    static byte[] npy(int version, String dict, int dataBytes) {
        byte[] header = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
        int lengthBytes = version == 1 ? 2 : 4;
        ByteBuffer out = ByteBuffer.allocate(8 + lengthBytes + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            out.putShort((short) header.length);
        } else {
            out.putInt(header.length);
        }
        out.put(header);
        return out.array();
    }

    /**
     * The artifact's zip with one array file replaced and the manifest's hash of that file updated, so that the upload
     * reaches the array reader (as a client that writes its own artifacts would).
     */
    static byte[] replaced(ArtifactBundle bundle, String array, byte[] npy) {
        try {
            Map<String, byte[]> files = TestArtifacts.unzip(bundle.toZip());
            files.put(array + ".npy", npy);
            ObjectNode manifest = (ObjectNode) JSON.readTree(files.get(ArtifactBundle.MANIFEST));
            ((ObjectNode) manifest.path("arrays").path(array)).put("sha256", Sha256.hex(npy));
            files.put(ArtifactBundle.MANIFEST, JSON.writeValueAsBytes(manifest));
            return TestArtifacts.zip(files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Row counts of the tables a refused request must leave alone. */
    Map<String, Long> rows() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            counts.put(table, count("SELECT COUNT(*) FROM " + table));
        }
        return counts;
    }

    long count(String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}

package io.mptrec.governance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.kernel.problem.Problem;
import io.mptrec.kernel.problem.ProblemMappers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Bad input gets a 4xx problem with a clear reason, and nothing is stored (the audit log does not grow). */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class BadInputTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "badinput";
    static final ObjectMapper JSON = new ObjectMapper();

    private long auditBefore;

    @BeforeEach
    void prepare() {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        assertThat(uploadPrompt("alice", TASK, TestArtifacts.prompt(ENCODER, TASK, 51)).statusCode()).isIn(200, 201);
        auditBefore = auditTotal();
    }

    @AfterEach
    void nothingStored() {
        assertThat(auditTotal()).as("audit entries after bad input").isEqualTo(auditBefore);
        as("erin").get("/api/v1/tasks/" + TASK + "/versions").then().statusCode(200).body("size()", equalTo(1));
    }

    private static long auditTotal() {
        return ((Number) as("dave").get("/api/v1/audit?size=1").then().statusCode(200).extract().path("total")).longValue();
    }

    private static io.restassured.response.Response upload(byte[] zip) {
        return as("alice").contentType("application/zip").body(zip).post("/api/v1/tasks/" + TASK + "/versions");
    }

    private static void assertProblem(io.restassured.response.Response r, int status, String detailPart) {
        r.then().statusCode(status).contentType("application/problem+json").body("status", equalTo(status))
                .body("detail", containsString(detailPart));
    }

    @Test
    void shouldRefuseMalformedJsonAndWrongTypes() {
        String rollback = "/api/v1/tasks/" + TASK + "/rollback";
        assertProblem(as("carol").contentType("application/json").body("{\"reason\":").post(rollback), 400, "not valid JSON");
        assertProblem(as("carol").contentType("application/json").body("[1,2]").post(rollback), 400, "expected shape");
        String label = "/api/v1/tasks/" + TASK + "/labels/staging";
        as("alice").contentType("application/json").body("{\"version\":\"abc\"}").put(label)
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("version"));
        assertProblem(as("alice").contentType("application/json").body("{\"version\":-1}").put(label), 400, "version");
        assertProblem(as("alice").contentType("application/json").body("{}").put(label), 400, "version");
        assertProblem(as("alice").contentType("text/plain").body("1").put(label), 415, "Unsupported");
    }

    @Test
    void shouldRefuseBadArtifactsWithTheReason() {
        ArtifactBundle good = TestArtifacts.prompt(ENCODER, TASK, 52);
        assertProblem(upload("not a zip".getBytes(StandardCharsets.UTF_8)), 400, "not a zip");
        assertProblem(upload(new byte[0]), 400, "empty or not a zip");
        assertProblem(upload(edit(good.toZip(), files -> files.get("prompt.npy")[files.get("prompt.npy").length - 1] ^= 1)),
                400, "array prompt is corrupted");
        assertProblem(upload(edit(good.toZip(), files -> editManifest(files, m ->
                ((ObjectNode) m.path("metadata").path("lineage")).put("seed", 999)))), 400, "content hash mismatch");
        assertProblem(upload(edit(good.toZip(), files -> {
            byte[] npy = files.get("prompt.npy");
            ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN).putFloat(npy.length - 4, Float.NaN);
            editManifest(files, m -> ((ObjectNode) m.path("arrays").path("prompt")).put("sha256", sha256(npy)));
        })), 400, "non-finite");
        assertProblem(upload(ENCODER.toZip()), 400, "expected a task-prompt artifact");
        assertProblem(upload(TestArtifacts.prompt(ENCODER, "othertask", 53).toZip()), 400, "prompt for task 'othertask'");
        assertProblem(upload(TestArtifacts.prompt(TestArtifacts.encoder(999), TASK, 54).toZip()), 400, "not registered");
        assertThat(hugeUploadStatus()).as("a 33 MB body").isIn(413, -1);
    }

    @Test
    void shouldAnswerAnUnexpectedFailureAsAProblemWithoutItsInternals() {
        RestResponse<Problem> response = new ProblemMappers()
                .unexpected(new IllegalStateException("jdbc:postgresql://db-host/registry refused the batch"));

        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        assertThat(response.getEntity().type()).endsWith("internal");
        assertThat(response.getEntity().detail()).doesNotContain("jdbc").contains("server's log");
    }

    @Test
    void shouldAnswerUnknownAndHostileIds() {
        assertProblem(as("erin").get("/api/v1/tasks/nope"), 404, "no task named 'nope'");
        assertProblem(as("erin").get("/api/v1/tasks/" + TASK + "/versions/999"), 404, "has no version 999");
        as("erin").get("/api/v1/tasks/" + TASK + "/versions/abc").then().statusCode(400).body("field", equalTo("version"));
        // a diff's refusal names the side, by the path's parameter: a or b
        String versions = "/api/v1/tasks/" + TASK + "/versions/";
        as("erin").get(versions + "1/diff/abc").then().statusCode(400).body("field", equalTo("b"))
                .body("detail", equalTo("b must be a positive integer"));
        as("erin").get(versions + "0/diff/1").then().statusCode(400).body("field", equalTo("a"))
                .body("detail", equalTo("a must be a positive integer"));
        as("erin").get(versions + "1/diff/999").then().statusCode(404).body("field", equalTo("b"))
                .body("detail", equalTo("task '" + TASK + "' has no version 999"));
        as("erin").get(versions + "999/diff/1").then().statusCode(404).body("field", equalTo("a"));
        // ASCII digits only: Java's parsers take "+1" and any script's digits (Arabic-Indic, fullwidth) for 1
        for (String one : List.of("+1", "\u0661", "\uFF11")) {
            String segment = java.net.URLEncoder.encode(one, java.nio.charset.StandardCharsets.UTF_8);
            as("erin").urlEncodingEnabled(false).get(versions + segment).then().statusCode(400)
                    .body("field", equalTo("version"));
            as("erin").urlEncodingEnabled(false).get("/api/v1/experiments/" + segment).then().statusCode(400)
                    .body("field", equalTo("id"));
            as("dave").urlEncodingEnabled(false).get("/api/v1/audit?size=" + segment).then().statusCode(400)
                    .body("field", equalTo("size"));
            as("dave").urlEncodingEnabled(false).get("/api/v1/experiments/1/results/timeseries?buckets=" + segment)
                    .then().statusCode(400).body("field", equalTo("buckets"));
        }
        assertProblem(as("erin").get("/api/v1/encoders/" + "0".repeat(64)), 404, "no encoder");
        assertProblem(as("erin").get("/api/v1/encoders/' OR 1=1 --"), 400, "64 lower-case hex");
        assertProblem(as("alice").contentType("application/zip").body(TestArtifacts.prompt(ENCODER, TASK, 55).toZip())
                .post("/api/v1/tasks/x'; DROP TABLE task;--/versions"), 400, "task must match");
        assertProblem(as("carol").contentType("application/json").body("{\"reason\":\"r\"}")
                .post("/api/v1/tasks/1 OR 1=1/rollback"), 400, "task must match");
        as("dave").get("/api/v1/audit?task=' OR '1'='1").then().statusCode(200).body("total", equalTo(0));
        assertProblem(as("dave").get("/api/v1/audit?from=yesterday"), 400, "ISO-8601");
        assertProblem(as("dave").get("/api/v1/audit/export?format=xml"), 400, "csv or json");
    }

    /**
     * A method a version does not have is 405, not "not found" (a client would think the version gone): version paths
     * share the tasks' class path, since Quarkus REST picks a class by its path before it looks at the method.
     */
    @Test
    void shouldAnswer405ToAMethodAVersionPathDoesNotHave() {
        String version = "/api/v1/tasks/" + TASK + "/versions/1";
        for (String path : List.of(version, version + "/artifact", version + "/report", version + "/submit",
                "/api/v1/tasks/" + TASK + "/versions")) {
            for (String method : List.of("PATCH", "DELETE")) {
                as("admin").request(method, path).then().statusCode(405).contentType(Problem.MEDIA_TYPE);
            }
        }
        assertProblem(as("admin").put(version), 405, "Method Not Allowed");
        assertProblem(as("admin").get(version + "/submit"), 405, "Method Not Allowed");
    }

    /** 413, or -1 when the server closed the connection before the client finished sending (also a refusal). */
    private static int hugeUploadStatus() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                            + "/api/v1/tasks/" + TASK + "/versions"))
                    .header("Content-Type", "application/zip")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("alice:alice".getBytes()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[33 << 20])).build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] edit(byte[] zip, Consumer<Map<String, byte[]>> change) {
        Map<String, byte[]> files = new TreeMap<>(TestArtifacts.unzip(zip));
        change.accept(files);
        return TestArtifacts.zip(files);
    }

    private static void editManifest(Map<String, byte[]> files, Consumer<ObjectNode> change) {
        try {
            ObjectNode manifest = (ObjectNode) JSON.readTree(files.get("manifest.json"));
            change.accept(manifest);
            files.put("manifest.json", JSON.writeValueAsBytes(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

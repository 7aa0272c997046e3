package io.mptrec.governance.ab;

import io.micrometer.core.instrument.MeterRegistry;
import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.serving.rest.ScoringBodyBuffer;
import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.RawHttp;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 15: a score request's body is read whole on the I/O thread before the endpoint runs
 * ({@link ScoringBodyBuffer}), when the request is authenticated, HTTP/1.x and declares a length within the scoring
 * limit; otherwise it is streamed to the endpoint as before. Either way the same body gets the same scores, the limit
 * holds to the byte, and an anonymous request is refused without its body being read. The same reader reads both
 * ({@link io.mptrec.ab.serving.rest.ScoreRequestReader}): a body read whole from the memory it was read into.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ScoringBodyTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "body-read";
    static final String PATH = "/api/v1/score";

    @Inject
    MeterRegistry meters;

    @Inject
    AbConfig config;

    @TestHTTPResource("/")
    URL base;

    /** The application (and its database) lives through this class's tests: the task is released once. */
    private static boolean released;

    @BeforeEach
    void release() {
        if (!released) {
            assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
            Api.released(TASK, TestArtifacts.prompt(ENCODER, TASK, 381));
            released = true;
        }
    }

    @Test
    void shouldScoreABodyReadWholeAsTheSameBodyStreamed() throws Exception {
        byte[] body = body("");
        double before = readWhole();
        List<Float> whole = scores(as("erin").contentType("application/json").body(body).post("/api/v1/score"));
        assertThat(readWhole()).as("a declared length within the limit").isEqualTo(before + 1);
        String streamed = send(RawHttp.chunked(PATH, body));
        assertThat(readWhole()).as("a chunked body").isEqualTo(before + 1);
        assertThat(streamed).startsWith("HTTP/1.1 200");
        assertThat(whole).hasSize(3).isEqualTo(scores(streamed));
    }

    /**
     * A bad body read whole is refused as the same body streamed: the same status and the same problem, field and
     * detail (malformed, truncated, mistyped, an empty body, a duplicate member or column, a control character, columns
     * of different lengths, a number that is none).
     */
    @Test
    void shouldRefuseABadBodyReadWholeAsTheSameBodyStreamed() throws Exception {
        List<String> bad = List.of("", "{\"task\": ", "[1, 2]", "{\"task\": 7, \"unitId\": []}",
                "{\"task\":\"" + TASK + "\",\"unitId\":\"u-1\",\"columns\":{\"age\":[\"40\", {}]}}",
                "{\"task\":\"" + TASK + "\",\"unitId\":\"u-1\",\"rows\":[{\"age\":\"40\"}],\"rows\":[]}",
                "{\"task\":\"" + TASK + "\",\"unitId\":\"u-1\",\"columns\":{\"age\":[\"40\"],\"age\":[\"41\"]}}",
                "{\"task\":\"" + TASK + "\",\"unitId\":\"u-1\",\"columns\":{\"age\":[\"4\u0001\"]}}",
                "{\"task\":\"" + TASK + "\",\"unitId\":\"u-1\",\"columns\":{\"age\":[\"40\",\"41\"],\"sex\":[\"m\"]}}",
                "{\"task\":\"" + TASK + "\",\"unitId\":\"u-1\",\"columns\":{\"age\":[\"forty\"]}}");
        for (String text : bad) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            double before = readWhole();
            Response whole = as("erin").contentType("application/json").body(body).post("/api/v1/score");
            assertThat(readWhole()).as("read whole: %s", text).isEqualTo(before + 1);
            String streamed = send(RawHttp.chunked(PATH, body));
            assertThat(whole.statusCode()).as(text).isEqualTo(400);
            assertThat(streamed).as(text).startsWith("HTTP/1.1 400");
            JsonPath streamedProblem = JsonPath.from(RawHttp.body(streamed));
            for (String member : List.of("status", "field", "detail")) {
                assertThat(whole.jsonPath().getString(member)).as("%s of %s", member, text)
                        .isEqualTo(streamedProblem.getString(member));
            }
        }
    }

    @Test
    void shouldScoreOverHttp2AsOverHttp1() throws Exception {
        byte[] body = body("");
        List<Float> expected = scores(as("erin").contentType("application/json").body(body).post("/api/v1/score"));
        String authorization = Api.basic("erin");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // the first request upgrades the connection (h2c); the score request then goes over HTTP/2
        client.send(HttpRequest.newBuilder(base.toURI().resolve("/api/v1/score/ping")).header("Authorization",
                authorization).build(), HttpResponse.BodyHandlers.discarding());
        double before = readWhole();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.toURI().resolve("/api/v1/score"))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JsonPath.from(response.body()).getList("scores", Float.class)).isEqualTo(expected);
        assertThat(readWhole()).as("an HTTP/2 request is streamed").isEqualTo(before);
    }

    @Test
    void shouldReadABodyThatArrivesInPartsWhole() throws Exception {
        byte[] body = body("");
        List<Float> expected = scores(as("erin").contentType("application/json").body(body).post("/api/v1/score"));
        double before = readWhole();
        String response = RawHttp.send(base, RawHttp.withLength(PATH, body), true);
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(scores(response)).isEqualTo(expected);
        assertThat(readWhole()).isEqualTo(before + 1);
    }

    @Test
    void shouldHoldTheLimitToTheByteOnEitherPath() throws Exception {
        int limit = Math.toIntExact(config.serving().maxBodyBytes());
        byte[] atLimit = body(" ".repeat(limit - body("").length));
        assertThat(atLimit).hasSize(limit);
        double before = readWhole();
        assertThat(scores(as("erin").contentType("application/json").body(atLimit).post("/api/v1/score"))).hasSize(3);
        assertThat(readWhole()).isEqualTo(before + 1);

        byte[] overLimit = body(" ".repeat(limit + 1 - body("").length));
        refusedAsTooLarge(as("erin").contentType("application/json").body(overLimit).post("/api/v1/score"));
        String streamed = send(RawHttp.chunked(PATH, overLimit));
        assertThat(streamed).startsWith("HTTP/1.1 413");
        assertThat(streamed).contains("application/problem+json").contains("\"field\":\"body\"");
        assertThat(readWhole()).as("neither over-limit body read whole").isEqualTo(before + 1);
    }

    @Test
    void shouldRefuseAnAnonymousRequestWithoutReadingItsBody() {
        double before = readWhole();
        as(null).contentType("application/json").body(body("")).post("/api/v1/score").then().statusCode(401);
        assertThat(readWhole()).isEqualTo(before);
    }

    /** Three candidates as rows, with {@code padding} (white space) inside the object. */
    private static byte[] body(String padding) {
        return ("{\"task\":\"" + TASK + "\",\"unitId\":\"u-1\"," + padding + "\"rows\":[{\"age\":\"40\"},{\"age\":\"23\"},"
                + "{\"age\":\"61\",\"sex\":\"m\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private String send(List<byte[]> parts) throws Exception {
        return RawHttp.send(base, parts, false);
    }

    private static List<Float> scores(String response) {
        return JsonPath.from(RawHttp.body(response)).getList("scores", Float.class);
    }

    private static List<Float> scores(Response response) {
        response.then().statusCode(200);
        return response.jsonPath().getList("scores", Float.class);
    }

    private static void refusedAsTooLarge(Response response) {
        response.then().statusCode(413).contentType("application/problem+json").body("field", equalTo("body"));
    }

    private double readWhole() {
        return meters.counter(ScoringBodyBuffer.READ_WHOLE).count();
    }
}

package io.mptrec.governance.ui;

import io.mptrec.governance.Api;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages read as decisions: the experiment page offers only the actions its state allows, leads with the results,
 * and prints figures by the one formatting policy (no raw doubles, times to the minute, short hashes with the full
 * value on hover); online model quality says what it needs.
 */
@QuarkusTest
class DecisionPagesTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    /** A double printed raw: 6 or more decimals (0.020641922084266517), or an ISO timestamp with seconds. */
    static final Pattern RAW = Pattern.compile("\\d\\.\\d{6,}|\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");

    @Test
    void shouldOfferOnlyWhatTheExperimentsStateAllows() {
        String task = "decision-actions";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 501));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 502));
        long id = Api.experiment(task, "decision-ab", v1, v2);
        UiSession erin = UiSession.signIn("erin");
        String page = "/ui/experiments/" + id;

        String draft = erin.get(page).body().asString();
        assertThat(buttons(draft)).containsExactly("Start", "Stop", "Change ramp", "Run pilot", "Upload covariates");
        assertThat(draft.indexOf("<h2>Results</h2>")).as("results lead").isLessThan(draft.indexOf("Actions</h2>"));
        assertThat(draft).doesNotContain("<h2>Promotion</h2>");

        transition(id, "start");
        assertThat(buttons(erin.get(page).body().asString()))
                .containsExactly("Pause", "Stop", "Change ramp", "Run pilot", "Upload covariates");
        Response pause = erin.post(page + "/pause", "reason", "look");
        assertThat(pause.statusCode()).isEqualTo(303);
        assertThat(pause.getHeader("Location")).endsWith("?done=paused");
        String paused = erin.get(page).body().asString();
        assertThat(buttons(paused)).containsExactly("Resume", "Stop", "Change ramp", "Upload covariates");
        assertThat(paused).contains("<h2>Promotion</h2>");
        transition(id, "stop");
        String stopped = erin.get(page).body().asString();
        assertThat(buttons(stopped)).containsExactly("Upload covariates");
        assertThat(stopped).contains("The experiment is STOPPED").doesNotContain("id=\"experiment-actions\"");

        // an auditor reads the page and is offered no action at all
        assertThat(buttons(UiSession.signIn("dave").get(page).body().asString())).isEmpty();
    }

    @Test
    void shouldPrintFiguresByTheFormattingPolicy() {
        String task = "decision-figures";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 511));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 512));
        long id = as("erin").contentType("application/json").body(Map.of("name", "figures-ab", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                                Map.of("name", "treatment", "version", v2, "weight", 0.5)),
                        "successMetrics", List.of(Map.of("name", "revenue", "kind", "MEAN",
                                "direction", "HIGHER_IS_BETTER"))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        transition(id, "start");
        for (int u = 0; u < 40; u++) {
            String request = as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "u" + u,
                            "rows", List.of(Map.of("age", "40"))))
                    .post("/api/v1/score").then().statusCode(200).extract().path("requestId");
            as("erin").contentType("application/json").body(Map.of("events", List.of(Map.of("eventId", "e" + u,
                            "requestId", request, "metric", "revenue", "value", 1.0 / 3 + u % 7))))
                    .post("/api/v1/events/kpi").then().statusCode(200);
        }
        UiSession erin = UiSession.signIn("erin");

        String results = shown(erin.get("/ui/experiments/" + id + "/results").body().asString());
        assertThat(RAW.matcher(results).find()).as("a raw double or timestamp in: %s", results).isFalse();
        assertThat(results).containsPattern("Computed \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC")
                .containsPattern("p (= (0\\.\\d{1,3}|1\\.0)|< 0\\.001)")
                .contains("needs a PROPORTION (0/1 outcome) metric")
                .contains("data-chart=\"lift-chart-" + id + "\"")
                .containsPattern("[+-]?\\d+\\.\\d %( \\[[+-]?\\d+\\.\\d %, [+-]?\\d+\\.\\d %\\])?, p [=<] ");
        String detail = shown(erin.get("/ui/experiments/" + id).body().asString());
        assertThat(RAW.matcher(detail).find()).isFalse();
        assertThat(detail).containsPattern("<progress|No pilot has run");

        String hash = as("erin").get("/api/v1/tasks/" + task + "/versions/" + v1).then().extract().path("contentSha256");
        String version = erin.get("/ui/tasks/" + task + "/versions/" + v1).body().asString();
        assertThat(version).contains("title=\"" + hash + "\">" + hash.substring(0, 12) + "<");
        // the lineage's hashes (data, encoder) short too, the full value on hover; no whole hash in the text
        String data = "0".repeat(64);  // the test artifacts' data hash
        assertThat(version).contains("<dt>dataSha256</dt><dd class=\"hash\" title=\"" + data + "\">" + data.substring(0, 12) + "</dd>");
        assertThat(RawFigures.in(text(version))).isEmpty();
        String diff = erin.get("/ui/tasks/" + task + "/versions/" + v2 + "/diff?with=" + v1).body().asString();
        assertThat(diff).contains("<td class=\"hash\" title=\"" + ENCODER.contentSha256() + "\">"
                + ENCODER.contentSha256().substring(0, 12) + "</td>");
        // the change column says which way it subtracts (the other version minus this one)
        assertThat(diff).contains("Change (v" + v1 + " − v" + v2 + ")");
        assertThat(RawFigures.in(text(diff))).isEmpty();
        // a version to compare with that is no number is refused naming the query's parameter
        Response badWith = erin.get("/ui/tasks/" + task + "/versions/" + v2 + "/diff?with=abc");
        assertThat(badWith.statusCode()).isEqualTo(400);
        assertThat(badWith.body().asString()).contains("with must be a positive integer");
        String audit = shown(UiSession.signIn("dave").get("/ui/audit?task=" + task).body().asString());
        assertThat(RAW.matcher(audit).find()).isFalse();
        assertThat(audit).containsPattern("<td>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC</td>");
    }

    /** The page's text, without its markup and its charts' data: what a person reads. */
    private static String text(String html) {
        return shown(html).replaceAll("<[^>]+>", " ").replace("&nbsp;", " ");
    }

    /** What a person reads: the page without its charts' data (JSON for the chart library, in script elements). */
    private static String shown(String html) {
        return html.replaceAll("(?s)<script[^>]*>.*?</script>", "");
    }

    private static void transition(long id, String action) {
        as("erin").contentType("application/json").body(Map.of("reason", "test"))
                .post("/api/v1/experiments/" + id + "/" + action).then().statusCode(200);
    }

    /** The submit buttons a page offers, in order. */
    private static List<String> buttons(String html) {
        return Pattern.compile("<button type=\"submit\"[^>]*>([^<]+)</button>").matcher(html).results()
                .map(m -> m.group(1).trim()).filter(b -> !b.equals("Sign out")).toList();
    }
}

package io.mptrec.governance.ab;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.model.cli.MptrecCommand;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code mptrec pilot} starts a pilot through the real API, draws its progress and prints the verdict. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class PilotCommandTests {

    static final String TASK = "clipilot";

    @TestHTTPResource("/")
    URL registry;

    @Test
    void shouldRunAPilotToTheEndAndPrintTheResults() {
        assertThat(Api.uploadEncoder(CensusArtifacts.encoder()).statusCode()).isIn(200, 201);
        assertThat(Api.released(TASK, CensusArtifacts.income(TASK, 1))).isEqualTo(1);
        assertThat(Api.approved(TASK, CensusArtifacts.income(TASK, 2))).isEqualTo(2);
        long id = as("erin").contentType("application/json").body(Map.of("name", "cli-pilot", "task", TASK,
                        "arms", List.of(Map.of("name", "control", "version", 1, "weight", 0.5),
                                Map.of("name", "treatment", "version", 2, "weight", 0.5)),
                        "successMetrics", List.of(Map.of("name", "log_loss", "kind", "MEAN",
                                        "direction", "LOWER_IS_BETTER"),
                                Map.of("name", "conversion", "kind", "PROPORTION", "direction", "HIGHER_IS_BETTER"))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        as("erin").contentType("application/json").body("{\"reason\":\"cli pilot\"}")
                .post("/api/v1/experiments/" + id + "/start").then().statusCode(200);

        Run run = run("pilot", "--experiment", Long.toString(id), "--rows", "300", "--label", "income",
                "--registry", registry.toString(), "--user", "erin", "--password", "erin", "--poll-millis", "100");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("pilot [").contains("] 300/300 rows, 600 KPI events");
        assertThat(run.out()).contains("experiment " + id + " (cli-pilot, task " + TASK + "): verdict ")
                .containsPattern("sample ratio of units: p (= [01]\\.\\d+|< 0\\.001)")
                .containsPattern("arm control \\(version 1\\): \\d+ units, \\d+ exposures, online AUC 0\\.\\d{4}")
                .containsPattern("arm treatment \\(version 2\\): \\d+ units, \\d+ exposures");
        JsonPath results = as("dave").get("/api/v1/experiments/" + id + "/results").then().statusCode(200)
                .extract().jsonPath();
        assertThat(results.getLong("arms[0].exposures") + results.getLong("arms[1].exposures")).isEqualTo(300);
        assertThat(run.out()).contains("arm control (version 1): " + results.getLong("arms[0].units") + " units, "
                + results.getLong("arms[0].exposures") + " exposures")
                .contains("verdict " + results.getString("verdict"));
    }

    @Test
    void shouldEndWithTheServersReasonWhenThePilotCannotStart() {
        Run unknown = run("pilot", "--experiment", "999999", "--rows", "10", "--registry", registry.toString(),
                "--user", "erin", "--password", "erin");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("could not start the pilot (HTTP 404)");

        Run auditor = run("pilot", "--experiment", "1", "--rows", "10", "--registry", registry.toString(),
                "--user", "dave", "--password", "dave");
        assertThat(auditor.exitCode()).isEqualTo(2);
        assertThat(auditor.err()).contains("(HTTP 403)");

        Run noRows = run("pilot", "--experiment", "1", "--registry", registry.toString(), "--user", "erin");
        assertThat(noRows.exitCode()).isEqualTo(2);
        assertThat(noRows.err()).contains("Missing required option: '--rows=<rows>'");
    }

    record Run(int exitCode, String out, String err) {
    }

    /** Runs the command with standard output and error captured (the progress bar is drawn on standard error). */
    private static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            int code = MptrecCommand.execute(args);
            return new Run(code, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}

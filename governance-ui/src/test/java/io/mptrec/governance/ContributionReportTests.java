package io.mptrec.governance;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.uploadEncoder;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.report.ContributionReport;
import io.mptrec.registry.api.ReportDiff;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Contribution reports attached to versions, read back and compared, with the shipped Census reports. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ContributionReportTests {

    static final Path CENSUS = Path.of("..", "data", "census-income-kdd", "artifacts");
    static final String V = "/api/v1/tasks/education/versions";

    @Test
    void shouldAttachReadAndDiffAReportAndRefuseAnyOther() throws IOException {
        ArtifactBundle encoder = ArtifactBundle.read(CENSUS.resolve("encoder"));
        ArtifactBundle education = ArtifactBundle.read(CENSUS.resolve("prompt-education"));
        String report = Files.readString(CENSUS.resolve("prompt-education.report.json"));
        String incomeReport = Files.readString(CENSUS.resolve("prompt-income.report.json"));
        assertThat(uploadEncoder(encoder).statusCode()).isIn(200, 201);
        assertThat(uploadPrompt("alice", "education", education).statusCode()).isIn(200, 201);

        as("bob").get(V + "/1/report").then().statusCode(404).contentType("application/problem+json");
        as("alice").contentType("application/json").body("{\"not\":\"a report\"}").put(V + "/1/report")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("body"));
        as("alice").contentType("application/json").body(incomeReport).put(V + "/1/report")
                .then().statusCode(400).body("field", equalTo("promptSha256"));
        // a report without its task would be stored for good (reports are never replaced): refused
        String noTask = report.replace(",\"task\":\"education\"", "");
        assertThat(noTask).isNotEqualTo(report);
        as("alice").contentType("application/json").body(noTask).put(V + "/1/report")
                .then().statusCode(400).body("field", equalTo("task"));
        as("bob").get(V + "/1/report").then().statusCode(404);

        as("alice").contentType("application/json").body(report).put(V + "/1/report")
                .then().statusCode(201).body("promptSha256", equalTo(education.contentSha256()));
        as("alice").contentType("application/json").body(report).put(V + "/1/report").then().statusCode(200);
        as("bob").get(V + "/1/report").then().statusCode(200)
                .body("task", equalTo("education"))
                .body("attention.tasks", equalTo(java.util.List.of("income", "marital")))
                .body("nonInterference.status", equalTo("passed"));
        as("dave").get(V + "/1/diff/1").then().statusCode(200)
                .body("reports.reportA", equalTo(true))
                .body("reports.fields[0].delta", equalTo(0.0f))
                .body("reports.gateTaskSpecificA", notNullValue())
                // the shipped report is of schema version 1, which always used the zero baseline
                .body("reports.baselineA", equalTo("zero"));
        as("dave").get("/api/v1/audit?task=education&action=REPORT_ATTACHED").then().statusCode(200)
                .body("items.size()", equalTo(1));
        // the version page draws the report; the diff page lists what moved
        String page = io.mptrec.governance.ui.UiSession.signIn("bob").get("/ui/tasks/education/versions/1").then()
                .statusCode(200).extract().asString();
        assertThat(page).contains("Field attributions").contains("id=\"attribution-chart\"")
                .contains("Attention over the existing tasks").doesNotContain("contribution-empty");
        String diff = io.mptrec.governance.ui.UiSession.signIn("bob").get("/ui/tasks/education/versions/1/diff?with=1")
                .then().statusCode(200).extract().asString();
        assertThat(diff).contains("Fields whose attributions moved most");
    }

    @Test
    void shouldPutTheFieldsThatMovedMostFirst() throws IOException {
        ContributionReport income = ContributionReport.fromJson(Files.readString(CENSUS.resolve("prompt-income.report.json")));
        ContributionReport marital = ContributionReport.fromJson(Files.readString(CENSUS.resolve("prompt-marital.report.json")));
        ReportDiff diff = ReportDiff.of(income, marital);
        assertThat(diff.fields()).hasSize(income.attributions().fields().size());
        for (int i = 1; i < diff.fields().size(); i++) {
            assertThat(Math.abs(diff.fields().get(i - 1).delta())).isGreaterThanOrEqualTo(Math.abs(diff.fields().get(i).delta()));
        }
        assertThat(diff.attention()).isEmpty();
        ReportDiff oneSided = ReportDiff.of(income, null);
        assertThat(oneSided.reportB()).isFalse();
        assertThat(oneSided.fields()).allSatisfy(f -> assertThat(f.delta()).isNull());
    }
}

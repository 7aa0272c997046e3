package io.mptrec.governance.ui;

import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;

import static io.mptrec.governance.Api.released;
import static io.mptrec.governance.Api.uploadEncoder;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operators' path through the pages in a real headless Chromium, against PostgreSQL: sign in, find a version,
 * submit, approve as a second person, release, roll back, read the audit entry. Screenshots of the main pages go to
 * target/screenshots.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class BrowserFlowTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "browser-flow";

    @TestHTTPResource("/")
    URL base;

    @Test
    void shouldTakeAVersionFromDraftThroughReleaseAndRollbackInTheBrowser() {
        try (Browser b = Browser.start(base)) {
            assertThat(uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
            int v1 = released(TASK, TestArtifacts.prompt(ENCODER, TASK, 41));
            int v2 = uploadPrompt("alice", TASK, TestArtifacts.prompt(ENCODER, TASK, 42)).then().statusCode(201)
                    .extract().path("number");

            // an anonymous visit lands on the sign-in page
            b.open("/ui");
            assertThat(b.h1()).isEqualTo("Sign in");
            b.screenshot("01-sign-in");

            // alice finds her draft from the overview and submits it
            b.signIn("alice");
            assertThat(b.h1()).isEqualTo("Tasks");
            b.find(By.linkText(TASK)).click();
            b.awaitH1("Task " + TASK);
            b.find(By.linkText("v" + v2)).click();
            b.awaitH1(TASK + " v" + v2);
            assertThat(b.h1()).contains("DRAFT");
            b.find(By.xpath("//button[text()='Submit for review']")).click();
            b.awaitH1("IN_REVIEW");
            assertThat(b.text()).contains("Done: version " + v2 + " submitted for review");
            b.signOut();

            // bob approves with a comment in the review queue
            b.signIn("bob");
            b.find(By.linkText("Review queue")).click();
            b.awaitH1("Review queue");
            b.find(By.id("comment-" + TASK + "-" + v2)).sendKeys("lineage and metrics checked");
            b.screenshot("03-review-queue");
            b.find(By.cssSelector("#decide-" + TASK + "-" + v2 + " button[value=approve]")).click();
            b.awaitText("main", "Done: " + TASK.replace('-', ' ') + " v" + v2 + " approved");
            b.signOut();

            // carol releases after reading what will change
            b.signIn("carol");
            b.open("/ui/tasks/" + TASK + "/versions/" + v2);
            b.find(By.partialLinkText("Release to production")).click();
            b.awaitH1("Release " + TASK);
            assertThat(b.find(By.id("change")).getText()).contains("moves from v" + v1 + " to v" + v2)
                    .contains("Approved by bob");
            b.find(By.id("reason")).sendKeys("AUC +0.01 on the test split");
            b.screenshot("04-release-confirmation");
            b.find(By.xpath("//button[starts-with(text(),'Confirm release')]")).click();
            b.awaitH1("RELEASED");
            assertThat(b.text()).contains("released to production");
            // the metrics chart was drawn by Chart.js (loaded from the WebJar)
            new WebDriverWait(b.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.attributeToBe(
                    By.cssSelector("canvas[data-chart=metrics-chart]"), "data-drawn", "true"));
            b.assertReadableFigures("version");
            b.screenshot("02-version-detail");

            // the diff against the previous version
            new org.openqa.selenium.support.ui.Select(b.find(By.id("with"))).selectByVisibleText("v" + v1);
            b.find(By.xpath("//button[text()='Compare']")).click();
            b.awaitH1(TASK + ": v" + v2 + " against v" + v1);
            b.assertReadableFigures("diff");
            b.screenshot("05-diff");

            // and rolls back, again after reading what will change
            b.open("/ui/tasks/" + TASK);
            b.find(By.partialLinkText("Roll back production")).click();
            b.awaitH1("Roll back production");
            assertThat(b.find(By.id("change")).getText()).contains("moves from v" + v2 + " back to v" + v1);
            b.find(By.id("reason")).sendKeys("conversion dropped after the release");
            b.screenshot("06-rollback-confirmation");
            b.find(By.xpath("//button[starts-with(text(),'Confirm rollback')]")).click();
            b.awaitH1("Task " + TASK);
            assertThat(b.text()).contains("rolled back to v" + v1);
            b.open("/ui");
            b.screenshot("00-tasks-overview");
            b.signOut();

            // dave reads the audit log: the whole log first, then the rollback by a filter
            b.signIn("dave");
            b.find(By.linkText("Audit log")).click();
            b.awaitH1("Audit log");
            assertThat(b.findAll(By.cssSelector("#audit-table tbody tr")).size()).as("this flow's entries at least")
                    .isGreaterThanOrEqualTo(9);
            b.assertReadableFigures("audit log");
            b.screenshot("07-audit-log");
            b.find(By.id("f-task")).sendKeys(TASK);
            new org.openqa.selenium.support.ui.Select(b.find(By.id("f-action"))).selectByVisibleText("ROLLBACK");
            b.find(By.xpath("//form[@id='audit-filters']//button[text()='Filter']")).click();
            b.awaitText("#audit-results", "1 entries match the filter");
            String row = b.find(By.cssSelector("#audit-table tbody tr")).getText();
            assertThat(row).contains("carol").contains("ROLLBACK").contains("conversion dropped after the release");
            assertThat(b.driver().getCurrentUrl()).contains("action=ROLLBACK");  // htmx pushed the filter into the address
            assertThat(b.find(By.id("export-csv")).getAttribute("href")).contains("format=csv").contains("task=" + TASK);
            b.screenshot("07-audit-log-filtered");
        }
    }
}

package io.mptrec.governance.ui;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import javax.sql.DataSource;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * The pages for what the API could do and the UI could not, clicked through in headless Chromium: upload a task
 * prompt, the admin bypass of four-eyes, labels (set, move, remove), an experiment's ramp, and promoting a winner.
 * Each form: refused input comes back on the page with the field and changes nothing; roles without the action are
 * told so and not offered it.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ActionPagesTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    @TestHTTPResource("/")
    URL base;

    @Inject
    DataSource dataSource;

    @Test
    void shouldUploadApproveWithAnAdminBypassAndManageLabels() throws Exception {
        String task = "ui-upload";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Path zip = Files.createTempFile("prompt", ".zip");
        Path junk = Files.createTempFile("junk", ".zip");
        Files.write(zip, TestArtifacts.prompt(ENCODER, task, 401).toZip());
        Files.writeString(junk, "not a zip", StandardCharsets.UTF_8);
        try (Browser b = Browser.start(base)) {
            b.signIn("admin");
            b.find(By.partialLinkText("Upload a task prompt")).click();
            b.awaitH1("Upload a task prompt");
            b.assertAccessible("upload");

            // refused: a bad task name, then a file that is no artifact; nothing is stored
            upload(b, "Bad Task", junk);
            assertThat(b.find(By.id("upload-error")).getText()).contains("Nothing was stored (task)");
            upload(b, task, junk);
            assertThat(b.find(By.id("upload-error")).getText()).contains("Nothing was stored (artifact)");
            as("dave").get("/api/v1/tasks/" + task).then().statusCode(404);

            upload(b, task, zip);
            b.awaitH1(task + " v1");
            assertThat(b.h1()).contains("DRAFT");
            assertThat(b.text()).contains("uploaded as a draft");
            b.screenshot("11-upload-done");
            b.find(By.xpath("//button[text()='Submit for review']")).click();
            b.awaitH1("IN_REVIEW");

            // the admin authored it: no Approve in the queue, but the flagged bypass
            b.open("/ui/reviews");
            WebElement review = b.find(By.id("review-" + task + "-1")).findElement(By.xpath(".."));
            assertThat(review.findElements(By.xpath(".//button[text()='Approve']"))).isEmpty();
            review.findElement(By.partialLinkText("admin bypass of four-eyes")).click();
            b.awaitH1("Admin bypass of four-eyes");
            b.assertAccessible("bypass");
            assertThat(b.find(By.id("bypass-warning")).getText()).contains("This bypasses four-eyes");
            assertThat(b.find(By.id("change")).getText()).contains("IN_REVIEW to APPROVED").contains("Nothing is released");
            b.screenshot("12-admin-bypass");
            b.script("document.getElementById('reason').removeAttribute('required');");  // the server checks too
            b.find(By.xpath("//button[contains(text(),'with the bypass')]")).click();
            assertThat(b.find(By.id("bypass-error")).getText()).contains("(reason)");
            as("dave").get("/api/v1/tasks/" + task + "/versions/1").then().body("status", equalTo("IN_REVIEW"));
            b.find(By.id("reason")).sendKeys("the only author is on leave; hot fix for the outage");
            b.find(By.xpath("//button[contains(text(),'with the bypass')]")).click();
            b.awaitH1("APPROVED");
            assertThat(b.text()).contains("approved with an admin bypass of four eyes").contains("APPROVE (admin bypass)");
            as("dave").get("/api/v1/audit?task=" + task + "&action=APPROVE").then()
                    .body("items[0].adminBypass", equalTo(true))
                    .body("items[0].reason", equalTo("the only author is on leave; hot fix for the outage"));

            // labels: refused name, then set, move and remove
            b.find(By.linkText("Labels…")).click();
            b.awaitH1("Labels of " + task);
            b.assertAccessible("labels");
            assertThat(b.find(By.id("labels-empty")).getText()).contains("no labels yet");
            b.find(By.id("name")).sendKeys("Not A Name");
            b.find(By.xpath("//button[text()='Set label']")).click();
            assertThat(b.find(By.id("label-error")).getText()).contains("Nothing was changed (name)");
            as("dave").get("/api/v1/tasks/" + task + "/versions/1").then().body("labels.size()", equalTo(0));
            // by keyboard: name, Tab to the version, Tab to the button, Enter
            b.find(By.id("name")).clear();
            b.find(By.id("name")).click();
            active(b).sendKeys("staging", Keys.TAB);
            assertThat(active(b).getAttribute("id")).isEqualTo("version");
            active(b).sendKeys(Keys.TAB);
            assertThat(active(b).getText()).isEqualTo("Set label");
            active(b).sendKeys(Keys.ENTER);
            b.awaitText("main", "staging now on v1");
            assertThat(b.find(By.id("labels")).getText()).contains("staging v1");
            b.screenshot("13-labels");
            b.find(By.cssSelector("#remove-staging button")).click();
            b.awaitText("main", "staging removed");
            assertThat(b.find(By.id("labels-empty")).isDisplayed()).isTrue();
            as("dave").get("/api/v1/audit?task=" + task).then()
                    .body("items.action", hasItems("UPLOAD", "SUBMIT", "APPROVE", "MOVE_LABEL", "REMOVE_LABEL"));
            b.signOut();

            // an auditor reads the labels and is told who may change them; no upload page for him
            as("alice").contentType("application/json").body("{\"version\":1}")
                    .put("/api/v1/tasks/" + task + "/labels/canary").then().statusCode(204);
            b.signIn("dave");
            b.open("/ui/tasks/" + task + "/labels");
            assertThat(b.find(By.id("labels-forbidden")).getText()).contains("needs the role prompt-author");
            assertThat(b.driver().findElements(By.id("label-form"))).isEmpty();
            assertThat(b.driver().findElements(By.cssSelector("#labels button"))).isEmpty();
            b.open("/ui");
            assertThat(b.driver().findElements(By.partialLinkText("Upload a task prompt"))).isEmpty();
            b.open("/ui/upload");
            assertThat(b.text()).contains("may not upload a task prompt: that needs the role prompt-author");
        } finally {
            Files.deleteIfExists(zip);
            Files.deleteIfExists(junk);
        }
    }

    @Test
    void shouldChangeTheRampAndPromoteTheWinnerAfterAConfirmation() throws Exception {
        String task = "ui-promote";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 411));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 412));
        // 300 units per arm: control converts 10%, treatment 60% (a clear winner for the decision rule)
        long id = ExperimentTraffic.shipping(dataSource, task, v1, "treatment", v2);
        as("erin").get("/api/v1/experiments/" + id + "/results").then().body("verdict", equalTo("SHIP"));

        try (Browser b = Browser.start(base)) {
            b.signIn("erin");
            b.open("/ui/experiments/" + id);
            b.awaitH1("RUNNING");
            b.assertAccessible("experiment with ramp form");
            assertThat(b.find(By.id("promote-info")).getText()).contains("A release manager promotes");
            assertThat(b.driver().findElements(By.id("promote-link"))).isEmpty();
            // refused ramp: the page says why, nothing changes
            b.find(By.id("ramp")).clear();
            b.find(By.id("ramp")).sendKeys("150");
            b.find(By.xpath("//button[text()='Change ramp']")).click();
            assertThat(b.find(By.id("experiment-error")).getText()).contains("Nothing was changed (ramp)");
            as("erin").get("/api/v1/experiments/" + id).then().body("ramp", equalTo(1.0f));
            b.find(By.id("ramp")).clear();
            b.find(By.id("ramp")).sendKeys("40");
            b.find(By.id("ramp-reason")).sendKeys("back to 40% while support reads the logs");
            b.find(By.xpath("//button[text()='Change ramp']")).click();
            b.awaitText("main", "ramp now 40 percent");
            as("erin").get("/api/v1/experiments/" + id).then().body("ramp", equalTo(0.4f));
            b.screenshot("14-experiment-ramp");
            b.open("/ui/experiments/" + id + "/promote");
            assertThat(b.text()).contains("erin (experimenter) may not promote an experiment's winner");
            b.signOut();

            b.signIn("carol");
            b.open("/ui/experiments/" + id);
            assertThat(b.driver().findElements(By.id("ramp-form"))).as("no ramp form for a release manager").isEmpty();
            b.find(By.id("promote-link")).click();
            b.awaitH1("Promote the winner of ui-promote");
            b.assertAccessible("promote");
            assertThat(b.find(By.id("candidates")).getText()).contains("treatment").contains("SHIP");
            assertThat(b.find(By.id("change")).getText())
                    .contains("production of '" + task + "' moves from v" + v1 + " to v" + v2)
                    .contains("stops").contains("approved by bob").contains("four-eyes intact");
            b.screenshot("15-promote-confirm");
            b.script("document.getElementById('reason').removeAttribute('required');");
            b.find(By.xpath("//button[starts-with(text(),'Confirm')]")).click();
            assertThat(b.find(By.id("promote-error")).getText()).contains("(reason)");
            as("carol").get("/api/v1/tasks/" + task).then().body("production", equalTo(v1));
            b.find(By.id("reason")).sendKeys("conversion up from 10% to 60%, always-valid interval clear of 0");
            b.find(By.xpath("//button[starts-with(text(),'Confirm')]")).click();
            b.awaitH1("STOPPED");
            assertThat(b.text()).contains("promoted v" + v2 + " to production and stopped");
            as("carol").get("/api/v1/tasks/" + task).then().body("production", equalTo(v2));
            as("dave").get("/api/v1/audit?task=" + task + "&size=100").then()
                    .body("items.action", hasItems("EXPERIMENT_RAMP", "RELEASE", "EXPERIMENT_STOP", "EXPERIMENT_PROMOTE"));
            // nothing left to promote: the page says so instead of offering a form
            b.open("/ui/experiments/" + id + "/promote");
            assertThat(b.text()).contains("STOPPED; only a RUNNING or PAUSED experiment can be promoted");
        }
    }

    private static void upload(Browser b, String task, Path file) {
        b.open("/ui/upload");
        b.find(By.id("task")).clear();
        b.find(By.id("task")).sendKeys(task);
        b.find(By.id("artifact")).sendKeys(file.toAbsolutePath().toString());
        b.find(By.xpath("//button[text()='Upload as a draft']")).click();
    }

    private static WebElement active(Browser b) {
        return b.driver().switchTo().activeElement();
    }
}

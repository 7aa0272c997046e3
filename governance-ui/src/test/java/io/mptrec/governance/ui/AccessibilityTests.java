package io.mptrec.governance.ui;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;

import static io.mptrec.governance.Api.transition;
import static io.mptrec.governance.Api.uploadEncoder;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;

/** Accessibility smoke check: labels, one h1 and ordered headings on the main pages, the main forms by keyboard only. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class AccessibilityTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "a11y";

    @TestHTTPResource("/")
    URL base;

    @Test
    void shouldLabelEveryControlAndOrderHeadingsOnTheMainPages() {
        try (Browser b = Browser.start(base)) {
            assertThat(uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
            int v1 = Api.released(TASK, TestArtifacts.prompt(ENCODER, TASK, 51));
            int v2 = Api.approved(TASK, TestArtifacts.prompt(ENCODER, TASK, 52));
            int v3 = uploadPrompt("alice", TASK, TestArtifacts.prompt(ENCODER, TASK, 53)).then().statusCode(201)
                    .extract().path("number");
            transition("alice", TASK, v3, "submit", null).then().statusCode(200);

            // the axe-core check can fail: a page of ours with a button stripped of its name and an image of its alt
            b.open("/login");
            b.script("document.querySelector('button').textContent = '';"
                    + "document.body.appendChild(document.createElement('img')).src = '/assets/none.png';");
            assertThat(b.axeViolations()).anyMatch(v -> v.contains("button-name")).anyMatch(v -> v.contains("image-alt"));

            b.open("/login");
            b.assertAccessible("sign-in");
            b.signIn("admin");
            for (String page : new String[]{"/ui", "/ui/tasks/" + TASK, "/ui/tasks/" + TASK + "/versions/" + v1,
                    "/ui/tasks/" + TASK + "/versions/" + v2 + "/diff?with=" + v1, "/ui/reviews",
                    "/ui/tasks/" + TASK + "/versions/" + v2 + "/release", "/ui/tasks/" + TASK + "/rollback",
                    "/ui/audit", "/ui/experiments", "/ui/tasks/no-such-task", "/ui/upload?task=" + TASK,
                    "/ui/tasks/" + TASK + "/labels"}) {
                b.open(page);
                b.assertAccessible(page);
            }
        }
    }

    @Test
    void shouldWorkTheMainFormsWithTheKeyboardAlone() {
        try (Browser b = Browser.start(base)) {
            assertThat(uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
            String task = TASK + "-keys";
            int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 54));
            int v2 = uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 55)).then().statusCode(201)
                    .extract().path("number");
            transition("alice", task, v2, "submit", null).then().statusCode(200);

            // sign-in: the user name has the focus; Tab to the password; Enter submits
            b.open("/login");
            active(b).sendKeys("bob");
            active(b).sendKeys(Keys.TAB);
            assertThat(active(b).getAttribute("id")).isEqualTo("j_password");
            active(b).sendKeys("bob", Keys.ENTER);
            new WebDriverWait(b.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/ui"));

            // the first Tab stop is the skip link, and it moves the focus to the content
            b.open("/ui/reviews");
            b.find(By.tagName("body")).sendKeys(Keys.TAB);
            assertThat(active(b).getText()).isEqualTo("Skip to content");
            active(b).sendKeys(Keys.ENTER);
            assertThat(active(b).getAttribute("id")).isEqualTo("main");

            // review: comment, Tab to Approve, Enter
            b.find(By.id("comment-" + task + "-" + v2)).click();
            active(b).sendKeys("approved by keyboard");
            active(b).sendKeys(Keys.TAB);
            assertThat(active(b).getText()).isEqualTo("Approve");
            active(b).sendKeys(Keys.ENTER);
            new WebDriverWait(b.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.tagName("main"), "approved"));
            b.signOut();

            // release: reason, Tab to Confirm, Enter
            b.signIn("carol");
            b.open("/ui/tasks/" + task + "/versions/" + v2 + "/release");
            b.find(By.id("reason")).click();
            active(b).sendKeys("released by keyboard");
            active(b).sendKeys(Keys.TAB);
            assertThat(active(b).getText()).startsWith("Confirm release");
            active(b).sendKeys(Keys.ENTER);
            new WebDriverWait(b.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.tagName("h1"), "RELEASED"));
            Api.as("erin").get("/api/v1/tasks/" + task).then().body("production", org.hamcrest.Matchers.equalTo(v2));
            assertThat(v1).isLessThan(v2);
        }
    }

    private static WebElement active(Browser b) {
        return b.driver().switchTo().activeElement();
    }
}

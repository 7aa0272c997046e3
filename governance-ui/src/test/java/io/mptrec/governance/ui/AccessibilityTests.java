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
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;

import static io.mptrec.governance.Api.transition;
import static io.mptrec.governance.Api.uploadEncoder;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accessibility smoke check: labels, one h1 and ordered headings on the main pages, axe-core, figures by the formatting
 * policy; review, release and rollback by keyboard only (Tab and Enter, no click).
 */
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
            // and so can the figures check: a raw double, a time with seconds, a whole hash
            b.script("document.querySelector('main').append(' p = 0.7918108422484955 at 11:27:03.123456, hash ' + 'ab'.repeat(32));");
            assertThat(b.rawFigures()).hasSize(3);

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
                b.assertReadableFigures(page);
            }
        }
    }

    @Test
    void shouldReviewAndReleaseWithTheKeyboardAlone() {
        try (Browser b = Browser.start(base)) {
            assertThat(uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
            String task = TASK + "-keys";
            int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 54));
            int v2 = uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 55)).then().statusCode(201)
                    .extract().path("number");
            transition("alice", task, v2, "submit", null).then().statusCode(200);

            signIn(b, "bob");

            // the first Tab stop is the skip link, and it moves the focus to the content
            b.open("/ui/reviews");
            b.awaitH1("Review queue");
            press(b, Keys.TAB);
            assertThat(active(b).getText()).isEqualTo("Skip to content");
            press(b, Keys.ENTER);
            assertThat(active(b).getAttribute("id")).isEqualTo("main");

            // review: Tab to this version's comment, type, Tab to Approve, Enter
            tabTo(b, "the comment on " + task + " v" + v2, e -> ("comment-" + task + "-" + v2).equals(e.getAttribute("id")));
            type(b, "approved by keyboard");
            press(b, Keys.TAB);
            assertThat(active(b).getText()).isEqualTo("Approve");
            press(b, Keys.ENTER);
            b.awaitText("main", "approved");
            signOut(b);

            // release: from the version page, Tab to the release link, Enter; the reason, Tab to Confirm, Enter
            signIn(b, "carol");
            b.open("/ui/tasks/" + task + "/versions/" + v2);
            b.awaitH1(task + " v" + v2);
            tabTo(b, "the release link", e -> e.getText().startsWith("Release to production"));
            press(b, Keys.ENTER);
            b.awaitH1("Release " + task);
            tabTo(b, "the reason", e -> "reason".equals(e.getAttribute("id")));
            type(b, "released by keyboard");
            press(b, Keys.TAB);
            assertThat(active(b).getText()).startsWith("Confirm release");
            press(b, Keys.ENTER);
            b.awaitH1("RELEASED");
            Api.as("erin").get("/api/v1/tasks/" + task).then().body("production", org.hamcrest.Matchers.equalTo(v2));
            assertThat(v1).isLessThan(v2);
        }
    }

    @Test
    void shouldRollBackWithTheKeyboardAlone() {
        try (Browser b = Browser.start(base)) {
            assertThat(uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
            String task = TASK + "-rollback-keys";
            int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 56));
            int v2 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 57));

            signIn(b, "carol");
            // from the task page: Tab to the rollback link, Enter
            b.open("/ui/tasks/" + task);
            b.awaitH1("Task " + task);
            tabTo(b, "the rollback link", e -> e.getText().startsWith("Roll back production"));
            press(b, Keys.ENTER);
            b.awaitH1("Roll back production of " + task);
            assertThat(b.find(By.id("change")).getText()).contains("moves from v" + v2 + " back to v" + v1);
            // the reason, Tab to Confirm, Enter
            tabTo(b, "the reason", e -> "reason".equals(e.getAttribute("id")));
            type(b, "rolled back by keyboard");
            press(b, Keys.TAB);
            assertThat(active(b).getText()).isEqualTo("Confirm rollback to v" + v1);
            press(b, Keys.ENTER);
            b.awaitH1("Task " + task);
            assertThat(b.text()).contains("rolled back to v" + v1);
            Api.as("erin").get("/api/v1/tasks/" + task).then().body("production", org.hamcrest.Matchers.equalTo(v1));
            signOut(b);
        }
    }

    /** Sign in as a keyboard user does: the user name has the focus; type, Tab to the password, type, Enter. */
    private static void signIn(Browser b, String user) {
        b.open("/login");
        b.awaitH1("Sign in");
        assertThat(active(b).getAttribute("id")).as("the user name has the focus").isEqualTo("j_username");
        type(b, user);
        press(b, Keys.TAB);
        assertThat(active(b).getAttribute("id")).isEqualTo("j_password");
        type(b, user);
        press(b, Keys.ENTER);
        new WebDriverWait(b.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/ui"));
    }

    /** Sign out by Tab and Enter from the top of the current page. */
    private static void signOut(Browser b) {
        b.open("/ui");
        b.awaitH1("Tasks");
        tabTo(b, "Sign out", e -> "Sign out".equals(e.getText()));
        press(b, Keys.ENTER);
        new WebDriverWait(b.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/login"));
    }

    /** Tab (as a keyboard does, to whatever has the focus) until {@code target} has the focus; fails if it never does. */
    private static void tabTo(Browser b, String what, java.util.function.Predicate<WebElement> target) {
        for (int i = 0; i < 80; i++) {
            press(b, Keys.TAB);
            if (target.test(active(b))) {
                return;
            }
        }
        org.junit.jupiter.api.Assertions.fail(what + " is not reachable by Tab within 80 stops");
    }

    private static void press(Browser b, Keys key) {
        new Actions(b.driver()).sendKeys(key).perform();
    }

    private static void type(Browser b, String text) {
        new Actions(b.driver()).sendKeys(text).perform();
    }

    private static WebElement active(Browser b) {
        return b.driver().switchTo().activeElement();
    }
}

package io.mptrec.governance.ui;

import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.mptrec.governance.ui.page.Pages;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.transition;
import static io.mptrec.governance.Api.uploadEncoder;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;

/** The pages over HTTP (no browser): sign-in, CSRF, four-eyes, forbidden and failed actions explained, export. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class UiPagesTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    @BeforeEach
    void registerEncoder() {
        assertThat(uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
    }

    @Test
    void shouldSendAnonymousPagesToSignInAndAnonymousApiCallsA401() {
        RestAssured.given().redirects().follow(false).get("/ui").then().statusCode(302)
                .header("Location", org.hamcrest.Matchers.endsWith("/login"));
        // a challenge, so that a client that sends credentials only when asked signs in; a problem like any other
        RestAssured.given().redirects().follow(false).get("/api/v1/tasks").then().statusCode(401)
                .header("WWW-Authenticate", "Basic realm=\"mptrec\"").contentType("application/problem+json")
                .body("status", org.hamcrest.Matchers.equalTo(401));
        RestAssured.given().auth().basic("erin", "erin").get("/api/v1/tasks").then().statusCode(200);
        RestAssured.given().get("/login").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("<label for=\"j_username\">"));
        UiSession.signInPage().post("alice", "wrong").then().statusCode(302)
                .header("Location", org.hamcrest.Matchers.containsString("/login?error=true"));
    }

    @Test
    void shouldSignOutWithACsrfCheckedForm() {
        UiSession erin = UiSession.signIn("erin");
        erin.get("/ui").then().statusCode(200);
        Response out = erin.post("/ui/logout");
        assertThat(out.statusCode()).as(out.asString()).isEqualTo(303);
        assertThat(out.header("Location")).endsWith("/login?signedOut=true");
        assertThat(out.getDetailedCookie("quarkus-credential").getMaxAge()).isZero();
        assertThat(out.getDetailedCookie("mptrec-session").getMaxAge()).isZero();
    }

    /**
     * Signing out ends the session on the server: a copy of its cookies (kept by whoever had them) no longer reads a
     * page nor changes anything, while another session of the same user goes on. A session without its server-side
     * half (a cookie of the form alone) is sent to sign in.
     */
    @Test
    void shouldRefuseACopyOfTheCookiesOfASessionThatSignedOut() {
        String task = "ui-signed-out";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 45));
        UiSession amy = UiSession.signIn("amy");
        UiSession other = UiSession.signIn("amy");
        String labels = "/ui/tasks/" + task + "/labels";
        assertThat(amy.get(labels).asString()).contains("Signed in as <strong>amy</strong>");
        UiSession copy = amy;  // the same cookies and form token, as a copy of them would be sent
        String moves = "/api/v1/audit?task=" + task + "&action=MOVE_LABEL";
        int before = as("dave").get(moves).then().extract().path("total");
        amy.post("/ui/logout").then().statusCode(303);

        Response read = copy.get("/ui");
        assertThat(read.statusCode()).isEqualTo(302);
        assertThat(read.header("Location")).endsWith("/login?signedOut=true");
        assertThat(read.getDetailedCookie("quarkus-credential").getMaxAge()).isZero();
        Response change = copy.post(labels, "name", "after-logout", "version", String.valueOf(v1));
        assertThat(change.statusCode()).isEqualTo(303);
        assertThat(change.header("Location")).endsWith("/login?signedOut=true");
        as("dave").get(moves).then().body("total", org.hamcrest.Matchers.equalTo(before));

        assertThat(other.get("/ui").statusCode()).as("amy's other session").isEqualTo(200);
        Response formCookieAlone = RestAssured.given().redirects().follow(false)
                .cookie("quarkus-credential", UiSession.signInPage().post("amy", "amy").getCookie("quarkus-credential"))
                .get("/ui");
        assertThat(formCookieAlone.statusCode()).isEqualTo(302);
        assertThat(formCookieAlone.header("Location")).endsWith("/login?signedOut=true");
    }

    @Test
    void shouldSayTheSessionEndedWhenTheCookieNoLongerSignsIn() {
        String page = RestAssured.given().cookie("quarkus-credential", "expired-or-forged").get("/login").asString();
        assertThat(page).contains("Your session has ended");
    }

    @Test
    void shouldCarryACsrfTokenInEveryFormAndRefuseAPostWithoutIt() {
        String task = "ui-csrf";
        int v = uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 31)).then().statusCode(201)
                .extract().path("number");
        UiSession alice = UiSession.signIn("alice");
        String page = alice.get("/ui/tasks/" + task + "/versions/" + v).then().statusCode(200).extract().asString();
        assertThat(page.split("<form method=\"post\"", -1)).hasSizeGreaterThan(2);  // submit + sign out
        String[] forms = page.split("<form method=\"post\"");
        for (int i = 1; i < forms.length; i++) {
            assertThat(forms[i].substring(0, forms[i].indexOf("</form>"))).contains("name=\"csrf-token\"");
        }
        Response refused = alice.given().contentType("application/x-www-form-urlencoded").formParam("x", "1")
                .post("/ui/tasks/" + task + "/versions/" + v + "/submit");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.asString()).contains("security token").doesNotContain("Exception");
        as("dave").get("/api/v1/tasks/" + task + "/versions/" + v).then().body("status",
                org.hamcrest.Matchers.equalTo("DRAFT"));

        alice.post("/ui/tasks/" + task + "/versions/" + v + "/submit").then().statusCode(303);
        as("dave").get("/api/v1/tasks/" + task + "/versions/" + v).then().body("status",
                org.hamcrest.Matchers.equalTo("IN_REVIEW"));
    }

    @Test
    void shouldNotOfferApprovalToTheAuthorAndRefuseItOnTheServer() {
        String task = "ui-foureyes";
        int v = uploadPrompt("pat", task, TestArtifacts.prompt(ENCODER, task, 32)).then().statusCode(201)
                .extract().path("number");
        transition("pat", task, v, "submit", null).then().statusCode(200);

        UiSession pat = UiSession.signIn("pat");
        String queue = pat.get("/ui/reviews").asString();
        String mine = section(queue, task);
        assertThat(mine).contains("another approver must approve it").doesNotContain(">Approve</button>")
                .contains(">Reject</button>");
        // a crafted post is refused by the server, explained on the page
        Response refused = pat.post("/ui/reviews/" + task + "/" + v + "/approve", "comment", "mine, but fine");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.asString()).contains("four-eyes").contains("Nothing was changed");

        UiSession bob = UiSession.signIn("bob");
        assertThat(section(bob.get("/ui/reviews").asString(), task)).contains(">Approve</button>");
        bob.post("/ui/reviews/" + task + "/" + v + "/approve", "comment", "checked the lineage").then().statusCode(303);
        as("dave").get("/api/v1/tasks/" + task + "/versions/" + v).then()
                .body("status", org.hamcrest.Matchers.equalTo("APPROVED"))
                .body("approvals[0].comment", org.hamcrest.Matchers.equalTo("checked the lineage"));
    }

    @Test
    void shouldExplainForbiddenActionsWithTheRoleTheyNeed() {
        String task = "ui-forbidden";
        int v = uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 33)).then().statusCode(201)
                .extract().path("number");
        UiSession dave = UiSession.signIn("dave");
        dave.get("/ui/tasks/" + task);
        Response r = dave.post("/ui/tasks/" + task + "/versions/" + v + "/submit");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.asString()).contains("dave (auditor) may not submit a version for review")
                .contains("prompt-author or admin");
        UiSession alice = UiSession.signIn("alice");
        Response audit = alice.get("/ui/audit");
        assertThat(audit.statusCode()).isEqualTo(403);
        assertThat(audit.asString()).contains("auditor or admin");
        assertThat(alice.get("/ui/tasks/" + task + "/versions/" + v + "/release").statusCode()).isEqualTo(403);
    }

    @Test
    void shouldExplainUnknownThingsAndBadInputWithoutAStackTrace() {
        UiSession erin = UiSession.signIn("erin");
        Response missing = erin.get("/ui/tasks/no-such-task");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.asString()).contains("no task named &#39;no-such-task&#39;").doesNotContain("at io.");
        Response bad = erin.get("/ui/tasks/" + "x" + "/versions/abc");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.asString()).contains("version must be a positive integer");
        Response noPage = erin.get("/ui/no/such/page");
        assertThat(noPage.statusCode()).isEqualTo(404);
        assertThat(noPage.contentType()).startsWith("text/html");
        assertThat(noPage.asString()).contains("No page answers to this address");
        Response noExperiment = erin.get("/ui/experiments/999999");
        assertThat(noExperiment.statusCode()).isEqualTo(404);
        assertThat(noExperiment.asString()).contains("no experiment 999999");
    }

    @Test
    void shouldNeedAReasonAndSayWhatChangesBeforeReleaseAndRollback() {
        String task = "ui-release";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 34));
        int v2 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 35));
        UiSession carol = UiSession.signIn("carol");
        String confirm = carol.get("/ui/tasks/" + task + "/versions/" + v2 + "/release").asString();
        assertThat(confirm).contains("moves from v" + v1 + " to v" + v2).contains("v" + v1 + " becomes RETIRED")
                .contains("Approved by bob");
        Response noReason = carol.post("/ui/tasks/" + task + "/versions/" + v2 + "/release", "reason", "  ");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.asString()).contains("A release needs a reason");
        carol.post("/ui/tasks/" + task + "/versions/" + v2 + "/release", "reason", "better AUC").then().statusCode(303);
        assertThat(carol.get("/ui/tasks/" + task + "/versions/" + v2 + "/release").asString())
                .contains("v" + v2 + " already serves production of &#39;" + task + "&#39;: there is nothing to release")
                .doesNotContain("moves from v" + v2 + " to v" + v2);

        String rollback = carol.get("/ui/tasks/" + task + "/rollback").asString();
        assertThat(rollback).contains("moves from v" + v2 + " back to v" + v1);
        assertThat(carol.post("/ui/tasks/" + task + "/rollback", "reason", "").statusCode()).isEqualTo(400);
        carol.post("/ui/tasks/" + task + "/rollback", "reason", "pilot regressed").then().statusCode(303);
        as("erin").get("/api/v1/tasks/" + task).then().body("production", org.hamcrest.Matchers.equalTo(v1));
    }

    /**
     * The pages hold the API's rules on what a role may read: the version page's audit trail and the audit log's link
     * only for READ_AUDIT (the API answers the others 403), the experiments' links only for READ_EXPERIMENTS; the
     * approval history is every reader's.
     */
    @Test
    void shouldShowTheAuditTrailAndTheExperimentsOnlyToTheRolesThatMayReadThem() {
        String task = "ui-read-rules";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 43));
        String version = "/ui/tasks/" + task + "/versions/" + v1;
        for (String user : java.util.List.of("alice", "bob", "carol", "erin", "dave", "admin")) {
            boolean auditor = as(user).get("/api/v1/audit?task=" + task).statusCode() == 200;
            boolean experiments = as(user).get("/api/v1/experiments").statusCode() == 200;
            UiSession session = UiSession.signIn(user);
            String page = session.get(version).asString();
            assertThat(page).as(user).contains("<h2>Approval history</h2>");
            assertThat(page.contains("<h2>Audit trail</h2>")).as(user + " sees the audit trail").isEqualTo(auditor);
            assertThat(page.contains("href=\"/ui/audit\"")).as(user + " is offered the audit log").isEqualTo(auditor);
            assertThat(page.contains("href=\"/ui/experiments\"")).as(user + " is offered the experiments")
                    .isEqualTo(experiments);
        }
        assertThat(as("alice").get("/api/v1/audit").statusCode()).isEqualTo(403);
        assertThat(as("dave").get("/api/v1/audit").statusCode()).isEqualTo(200);
    }

    /** A notice of what was done shows only what the pages write there, not a sentence anyone may put in a link. */
    @Test
    void shouldShowOnlyTheNoticesThePagesWrite() {
        String task = "ui-done-notice";
        io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 46));
        UiSession erin = UiSession.signIn("erin");
        String page = "/ui/tasks/" + task;
        assertThat(erin.get(page + "?done=rolled-back-to-v1").asString()).contains("Done: rolled back to v1.");
        String spoofed = erin.get(page + "?done=Session+expired:+sign+in+again+at+https://evil.example").asString();
        assertThat(spoofed).doesNotContain("evil").doesNotContain("Done:");
        assertThat(erin.get(page + "?done=sign-in-at-evil.example").asString()).doesNotContain("evil");
        assertThat(Pages.done("ramp-now-12.5-percent")).isEqualTo("ramp now 12.5 percent");
        assertThat(Pages.done("2-covariates-stored-0-already-there")).isEqualTo("2 covariates stored 0 already there");
    }

    /**
     * A page's number in the address that is no number is refused 400 on a page naming it (Quarkus REST answers a
     * query parameter it cannot convert with 404, "no page answers to this address"); the sign-in page names no wait
     * it was not given by the throttle.
     */
    @Test
    void shouldRefuseANumberInTheAddressThatIsNoNumberNamingIt() {
        String task = "ui-query-numbers";
        io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 44));
        Response page = UiSession.signIn("dave").get("/ui/audit?page=abc");
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.asString()).contains("Page: a whole number, got &#39;abc&#39;");
        Response version = UiSession.signIn("alice").get("/ui/tasks/" + task + "/labels?version=1.5");
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(version.asString()).contains("Version: a whole number");
        Response target = UiSession.signIn("carol").get("/ui/tasks/" + task + "/rollback?target=x");
        assertThat(target.statusCode()).isEqualTo(400);
        assertThat(target.asString()).contains("Target version: a whole number");
        for (String locked : java.util.List.of("99999999999", "x", "-5")) {
            Response login = io.restassured.RestAssured.given().get("/login?locked=" + locked);
            assertThat(login.statusCode()).as(locked).isEqualTo(200);
            assertThat(login.asString()).as(locked).contains("Too many failed sign-ins").contains("Try again later.");
        }
        assertThat(io.restassured.RestAssured.given().get("/login?locked=120").asString()).contains("in 2 minute(s)");
    }

    /**
     * The release and rollback pages say what serves after the move: a RUNNING experiment with the outgoing production
     * version as an arm is paused by the move (and a paused one routes nothing), any other RUNNING one keeps routing
     * the units inside its ramp; /score then serves what the page said.
     */
    @Test
    void shouldSayWhatServesOnceProductionMovesUnderAnExperiment() {
        String task = "ui-release-reach";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 37));
        int v2 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 38));
        int v3 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 39));
        int v4 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 40));
        long id = experiment("ui-reach", task, v1, v2);
        UiSession carol = UiSession.signIn("carol");
        String release = "/ui/tasks/" + task + "/versions/" + v3 + "/release";
        String pauses = "Experiment &#39;ui-reach&#39; (#" + id + ") serves v" + v1 + " in its arm &#39;control&#39;: "
                + "this takes v" + v1 + " out of production, which pauses the experiment";
        assertThat(carol.get(release).asString()).contains("moves from v" + v1 + " to v" + v3).contains(pauses)
                .contains("every request for &#39;" + task + "&#39; is then scored with v" + v3);
        as("erin").contentType("application/json").body("{\"reason\":\"look\"}")
                .post("/api/v1/experiments/" + id + "/pause").then().statusCode(200);
        assertThat(carol.get(release).asString()).contains("(#" + id + ") is PAUSED and routes nothing while paused: "
                + "every request for &#39;" + task + "&#39; is then scored with v" + v3);
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/start")
                .then().statusCode(200);

        carol.post(release, "reason", "better AUC").then().statusCode(303);
        as("erin").get("/api/v1/experiments/" + id).then().body("status", org.hamcrest.Matchers.equalTo("PAUSED"));
        as("erin").contentType("application/json").body(java.util.Map.of("task", task, "unitId", "u1",
                        "rows", java.util.List.of(java.util.Map.of("age", "30"))))
                .post("/api/v1/score").then().statusCode(200).body("version.number", org.hamcrest.Matchers.equalTo(v3))
                .body("routing", org.hamcrest.Matchers.equalTo("paused"));
        as("erin").contentType("application/json").body("{\"reason\":\"done\"}")
                .post("/api/v1/experiments/" + id + "/stop").then().statusCode(200);

        // a RUNNING experiment whose arms production does not hold keeps routing its ramp through a rollback
        long other = experiment("ui-reach-2", task, v2, v4);
        assertThat(carol.get("/ui/tasks/" + task + "/rollback").asString())
                .contains("moves from v" + v3 + " back to v" + v1)
                .contains("But experiment &#39;ui-reach-2&#39; (#" + other + ") is RUNNING on &#39;" + task + "&#39;: "
                        + "the units inside its ramp are scored with their arm&#39;s version; v" + v1 + " serves only "
                        + "the other requests")
                .doesNotContain("is then scored with");
        as("erin").contentType("application/json").body("{\"reason\":\"done\"}")
                .post("/api/v1/experiments/" + other + "/stop").then().statusCode(200);
        assertThat(carol.get(release.replace("/versions/" + v3 + "/", "/versions/" + v4 + "/")).asString())
                .contains("Every request for &#39;" + task + "&#39; is then scored with v" + v4)
                .doesNotContain("xperiment &#39;");
    }

    private static long experiment(String name, String task, int control, int treatment) {
        long id = as("erin").contentType("application/json").body(java.util.Map.of("name", name, "task", task,
                        "arms", java.util.List.of(java.util.Map.of("name", "control", "version", control, "weight", 0.5),
                                java.util.Map.of("name", "treatment", "version", treatment, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/start")
                .then().statusCode(200);
        return id;
    }

    @Test
    void shouldFilterPageAndExportTheAuditLog() {
        String task = "ui-audit";
        io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 36));
        UiSession dave = UiSession.signIn("dave");
        String page = dave.get("/ui/audit?task=" + task + "&action=release").asString();
        assertThat(page).contains("1 entries match the filter").contains("carol");
        // the action filter offers what the log holds, the A/B module's and the newer registry actions included
        as("alice").contentType("application/json").body("{\"version\":1}").put("/api/v1/tasks/" + task + "/labels/canary")
                .then().statusCode(204);
        as("alice").delete("/api/v1/tasks/" + task + "/labels/canary").then().statusCode(204);
        assertThat(dave.get("/ui/audit").asString()).contains("<option value=\"RELEASE\"")
                .contains("<option value=\"REMOVE_LABEL\"");
        assertThat(dave.get("/ui/audit?from=yesterday").statusCode()).isEqualTo(400);
        Response csv = dave.get("/ui/audit/export?format=csv&task=" + task);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.asString()).startsWith("id,at,actor,action").contains(",RELEASE," + task + ",");
        Response json = dave.get("/ui/audit/export?format=json&task=" + task + "&actor=bob");
        assertThat(json.contentType()).startsWith("application/json");
        assertThat(json.jsonPath().getList("action")).containsExactly("APPROVE");
    }

    @Test
    void shouldGuardTheNewFormsWithTheTokenAndTheRoleAndExplainRefusals() {
        String task = "ui-new-forms";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 34));
        int v2 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 35));
        UiSession alice = UiSession.signIn("alice");
        assertThat(alice.get("/ui/tasks/" + task + "/labels").asString()).contains("name=\"csrf-token\"");

        // no token: refused before anything runs, for the label form and the multipart upload alike
        Response noToken = alice.given().contentType("application/x-www-form-urlencoded").formParam("name", "staging")
                .formParam("version", "1").post("/ui/tasks/" + task + "/labels");
        assertThat(noToken.statusCode()).isEqualTo(400);
        assertThat(noToken.asString()).contains("security token");
        Response noTokenUpload = alice.given().multiPart("task", task)
                .multiPart("artifact", "p.zip", TestArtifacts.prompt(ENCODER, task, 36).toZip(), "application/zip")
                .post("/ui/upload");
        assertThat(noTokenUpload.statusCode()).isEqualTo(400);
        assertThat(noTokenUpload.asString()).contains("security token");
        as("dave").get("/api/v1/tasks/" + task + "/versions").then().body("size()", org.hamcrest.Matchers.equalTo(2));

        // an artifact the registry refuses: the page says why in the registry's words, without the parser's internals
        java.util.Map<String, byte[]> files = TestArtifacts.unzip(TestArtifacts.prompt(ENCODER, task, 37).toZip());
        String manifest = new String(files.get("manifest.json"), java.nio.charset.StandardCharsets.UTF_8);
        files.put("manifest.json", manifest.replaceFirst("(\"value\"\\s*:\\s*)[-0-9.eE]+", "$1NaN")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        alice.get("/ui/upload?task=" + task);
        Response nan = alice.given().multiPart("task", task).multiPart("csrf-token", alice.csrfToken())
                .multiPart("artifact", "p.zip", TestArtifacts.zip(files), "application/zip").post("/ui/upload");
        assertThat(nan.statusCode()).isEqualTo(400);
        assertThat(nan.asString()).contains("Nothing was stored (artifact)").contains("NaN is not a number")
                .doesNotContain("JsonReadFeature").doesNotContain("REDACTED");
        as("dave").get("/api/v1/tasks/" + task + "/versions").then().body("size()", org.hamcrest.Matchers.equalTo(2));

        // refused input: the labels page again, with the field and the reason, nothing changed
        Response badVersion = alice.post("/ui/tasks/" + task + "/labels", "name", "staging", "version", "99");
        assertThat(badVersion.statusCode()).as("a chosen version that is none: the form's 400").isEqualTo(400);
        assertThat(badVersion.asString()).contains("Nothing was changed (version)").contains("<h1>Labels of " + task);
        Response production = alice.post("/ui/tasks/" + task + "/labels/production/remove");
        assertThat(production.statusCode()).isEqualTo(409);
        assertThat(production.asString()).contains("cannot be removed");
        as("dave").get("/api/v1/tasks/" + task + "/versions/" + v2).then().body("labels.size()", org.hamcrest.Matchers.equalTo(0));

        // roles: the server refuses in words what the pages do not offer
        UiSession dave = UiSession.signIn("dave");
        dave.get("/ui/tasks/" + task + "/labels");
        Response daveLabel = dave.post("/ui/tasks/" + task + "/labels", "name", "staging", "version", "1");
        assertThat(daveLabel.statusCode()).isEqualTo(403);
        assertThat(daveLabel.asString()).contains("dave (auditor) may not set a label").contains("prompt-author or admin");
        UiSession bob = UiSession.signIn("bob");
        Response bypass = bob.get("/ui/reviews/" + task + "/" + v2 + "/bypass");
        assertThat(bypass.statusCode()).isEqualTo(403);
        assertThat(bypass.asString()).contains("may not bypass four-eyes: that needs the role admin");
        UiSession admin = UiSession.signIn("admin");
        Response notHis = admin.get("/ui/reviews/" + task + "/" + v2 + "/bypass");
        assertThat(notHis.statusCode()).isEqualTo(409);
        assertThat(notHis.asString()).contains("APPROVED; only an IN_REVIEW version can be approved");

        // an experiment without a winner: the promotion page explains, offers no form; an experimenter cannot ramp as
        // a release manager, nor the other way round
        long id = as("erin").contentType("application/json").body(java.util.Map.of("name", "ui-no-winner", "task", task,
                        "arms", java.util.List.of(java.util.Map.of("name", "control", "version", v1, "weight", 0.5),
                                java.util.Map.of("name", "treatment", "version", v2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/start")
                .then().statusCode(200);
        UiSession carol = UiSession.signIn("carol");
        Response promote = carol.get("/ui/experiments/" + id + "/promote");
        assertThat(promote.statusCode()).isEqualTo(200);
        assertThat(promote.asString()).contains("nothing to promote").doesNotContain("id=\"promote-form\"")
                .doesNotContain("correction.. An inconclusive");
        Response forced = carol.post("/ui/experiments/" + id + "/promote", "arm", "treatment", "reason", "forced");
        assertThat(forced.statusCode()).isEqualTo(409);
        assertThat(forced.asString()).contains("Nothing was changed");
        as("carol").get("/api/v1/tasks/" + task).then().body("production", org.hamcrest.Matchers.equalTo(v1));
        Response ramp = carol.post("/ui/experiments/" + id + "/ramp", "ramp", "50");
        assertThat(ramp.statusCode()).isEqualTo(403);
        assertThat(ramp.asString()).contains("carol (release-manager) may not change an experiment&#39;s ramp");
        UiSession erin = UiSession.signIn("erin");
        erin.get("/ui/experiments/" + id);
        Response word = erin.post("/ui/experiments/" + id + "/ramp", "ramp", "half");
        assertThat(word.statusCode()).isEqualTo(400);
        assertThat(word.asString()).contains("Nothing was changed (ramp)").doesNotContain("Exception");
        as("erin").get("/api/v1/experiments/" + id).then().body("ramp", org.hamcrest.Matchers.equalTo(1.0f));
    }

    @Test
    void shouldUploadCupedCovariatesFromACsvFileAllOrNothing() {
        String task = "ui-covariates";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 41));
        int v2 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 42));
        long id = as("erin").contentType("application/json").body(Map.of("name", "ui-covariates", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                                Map.of("name", "treatment", "version", v2, "weight", 0.5)),
                        "successMetrics", List.of(Map.of("name", "spend", "kind", "MEAN", "direction", "HIGHER_IS_BETTER"))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        UiSession erin = UiSession.signIn("erin");
        assertThat(erin.get("/ui/experiments/" + id).asString()).contains("id=\"covariates-form\"");

        // a bad line anywhere refuses the whole file, naming the line
        Response badNumber = uploadCovariates(erin, id, "unitId,metric,value\nu1,spend,3.5\nu2,spend,lots\n");
        assertThat(badNumber.statusCode()).isEqualTo(400);
        assertThat(badNumber.asString()).contains("Nothing was stored (file, line 3)").contains("is not a number")
                .contains("<h1>Experiment ui-covariates");
        // the experiment's own refusal (an unknown metric) names the file's line too, past a header and a blank line
        Response badMetric = uploadCovariates(erin, id, "unitId,metric,value\nu1,spend,1\n\nu2,clicks,1\n");
        assertThat(badMetric.statusCode()).isEqualTo(400);
        assertThat(badMetric.asString()).contains("has no metric").contains("spend")
                .contains("Nothing was stored (file, line 4)").doesNotContain("covariates[");
        assertThat(uploadCovariates(erin, id, "u1;spend;1\n").asString()).contains("expected unitId,metric,value");
        Response tooLarge = uploadCovariates(erin, id, "u1,spend,1\nu2,spend,1e155\n");
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        assertThat(tooLarge.asString()).contains("Nothing was stored (file, line 2)").contains("within +-1e9");
        Response notANumber = uploadCovariates(erin, id, "u1,spend,NaN\n");
        assertThat(notANumber.asString()).contains("Nothing was stored (file, line 1)");
        Response control = uploadCovariates(erin, id, "u1,spend,1\nu\u0007,spend,1\n");
        assertThat(control.asString()).contains("Nothing was stored (file, line 2)").contains("U+0007");
        assertThat(uploadCovariates(erin, id, "\n\n").asString()).contains("no unitId,metric,value line");
        Response notUtf8 = uploadCovariates(erin, id, new byte[] {'u', (byte) 0xC3, '(', ',', 's', ',', '1', '\n'});
        assertThat(notUtf8.statusCode()).isEqualTo(400);
        assertThat(notUtf8.asString()).contains("Nothing was stored (file): the file is not UTF-8 text");
        // the batch's limits: 10,000 values (the first line beyond it refuses the file) and the batch body's bytes
        StringBuilder manyLines = new StringBuilder();
        for (int unit = 0; unit <= 10_000; unit++) {
            manyLines.append("many-").append(unit).append(",spend,1\n");
        }
        Response tooMany = uploadCovariates(erin, id, manyLines.toString());
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.asString()).contains("Nothing was stored (file): a file holds at most 10000 values");
        byte[] overTheLimit = new byte[8 * 1024 * 1024 + 1];
        java.util.Arrays.fill(overTheLimit, (byte) '\n');
        byte[] line = "big,spend,1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(line, 0, overTheLimit, 0, line.length);
        Response tooBig = uploadCovariates(erin, id, overTheLimit);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.asString())
                .contains("Nothing was stored (file): a covariate file holds at most 8388608 bytes")
                .contains("mptrec.ab.batches.max-body-bytes");
        byte[] atTheLimit = java.util.Arrays.copyOf(overTheLimit, overTheLimit.length - 1);
        assertThat(uploadCovariates(erin, id, atTheLimit).getHeader("Location"))
                .endsWith("?done=1-covariates-stored-0-already-there");

        // nothing of the refused files was stored: u1, u2 and many-0 are new
        Response stored = uploadCovariates(erin, id, "unitId,metric,value\r\nu1,spend,3.5\r\nu2,spend,0\r\n");
        assertThat(stored.statusCode()).isEqualTo(303);
        assertThat(stored.getHeader("Location")).endsWith("?done=2-covariates-stored-0-already-there");
        Response again = uploadCovariates(erin, id, "u1,spend,9\nu3,spend,1\nbig,spend,2\nmany-0,spend,1\n");
        assertThat(again.getHeader("Location")).endsWith("?done=2-covariates-stored-2-already-there");

        UiSession dave = UiSession.signIn("dave");
        assertThat(dave.get("/ui/experiments/" + id).asString()).doesNotContain("covariates-form");
        Response refused = uploadCovariates(dave, id, "u4,spend,1\n");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.asString()).contains("may not upload covariates");
    }

    /**
     * A number field holding no number is named on the page with what was typed, not taken for a form without its
     * security token (the framework's bare 400 for a typed parameter it could not convert looked like one).
     */
    @Test
    void shouldNameTheFieldOfANumberThatIsNoNumber() {
        String task = "ui-numbers";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 71));
        int v2 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 72));
        UiSession erin = UiSession.signIn("erin");
        erin.get("/ui/experiments/new");
        int before = as("erin").get("/api/v1/experiments").then().statusCode(200).extract().jsonPath().getList("$").size();
        for (String[] form : List.of(
                new String[] {"control", "abc", "(control version): a whole number, got &#39;abc&#39;"},
                new String[] {"control", "1.5", "(control version): a whole number, got &#39;1.5&#39;"},
                new String[] {"treatment", "2147483648", "(treatment version): a whole number, got &#39;2147483648&#39;"},
                new String[] {"treatmentShare", "NaN", "(treatment share): a number, got &#39;NaN&#39;"},
                new String[] {"treatmentShare", "150", "(treatment share): a percentage above 0 and below 100, got 150"},
                new String[] {"ramp", "half", "(ramp): a number, got &#39;half&#39;"})) {
            java.util.Map<String, String> fields = new java.util.HashMap<>(Map.of("name", "ui-numbers", "task", task,
                    "control", Integer.toString(v1), "treatment", Integer.toString(v2)));
            fields.put(form[0], form[1]);
            Response r = erin.post("/ui/experiments", fields.entrySet().stream()
                    .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new));
            assertThat(r.statusCode()).as(form[0] + "=" + form[1]).isEqualTo(400);
            assertThat(r.asString()).contains(form[2]).doesNotContain("security token").doesNotContain("Exception");
        }
        assertThat(as("erin").get("/api/v1/experiments").then().extract().jsonPath().getList("$")).hasSize(before);

        long id = as("erin").contentType("application/json").body(Map.of("name", "ui-numbers", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                                Map.of("name", "treatment", "version", v2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        erin.get("/ui/experiments/" + id);
        Response rows = erin.post("/ui/experiments/" + id + "/pilot", "rows", "99999999999", "label", "income");
        assertThat(rows.statusCode()).isEqualTo(400);
        assertThat(rows.asString()).contains("No pilot was started (rows): a whole number, got &#39;99999999999&#39;")
                .doesNotContain("security token");
        as("erin").get("/api/v1/experiments/" + id + "/pilot").then().statusCode(404);

        UiSession carol = UiSession.signIn("carol");
        carol.get("/ui/tasks/" + task + "/rollback");
        Response target = carol.post("/ui/tasks/" + task + "/rollback", "reason", "test", "target", "v1");
        assertThat(target.statusCode()).isEqualTo(400);
        assertThat(target.asString()).contains("Target version: a whole number, got &#39;v1&#39;")
                .doesNotContain("security token");
    }

    /** Issue 12: the page's start refuses an unreviewed arm in words; a pilot runs on the DRAFT; an admin may bypass. */
    @Test
    void shouldRefuseToStartAnUnreviewedArmOnThePageAndLetAnAdminBypassItWithAReason() {
        String task = "ui-unreviewed";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 61));
        int v2 = uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 62)).then().statusCode(201)
                .extract().path("number");
        transition("alice", task, v2, "submit", null).then().statusCode(200);
        long id = as("erin").contentType("application/json").body(Map.of("name", "ui-unreviewed", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                                Map.of("name", "treatment", "version", v2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");

        UiSession erin = UiSession.signIn("erin");
        String page = erin.get("/ui/experiments/" + id).asString();
        assertThat(page).contains("id=\"unreviewed-notice\"").contains("treatment: version " + v2)
                .contains("is IN_REVIEW").doesNotContain("admin bypass</strong>");
        Response refused = erin.post("/ui/experiments/" + id + "/start", "reason", "go live");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.asString()).contains("<h1>Experiment ui-unreviewed")
                .contains("Nothing was changed: experiment " + id + " cannot be started for live traffic")
                .contains("serves version " + v2 + ", which is IN_REVIEW").contains("A pilot (replayed held-out rows)");
        as("erin").get("/api/v1/experiments/" + id).then().body("status", org.hamcrest.Matchers.equalTo("DRAFT"));
        Response pilot = erin.post("/ui/experiments/" + id + "/pilot", "rows", "10", "label", "income", "rate", "");
        assertThat(pilot.statusCode()).as(pilot.asString()).isEqualTo(303);
        assertThat(pilot.getHeader("Location")).endsWith("?done=pilot-started");

        UiSession admin = UiSession.signIn("admin");
        assertThat(admin.get("/ui/experiments/" + id).asString()).contains("admin bypass</strong>");
        Response noReason = admin.post("/ui/experiments/" + id + "/start", "reason", "");
        assertThat(noReason.statusCode()).isEqualTo(409);
        assertThat(noReason.asString()).contains("an admin bypass needs a reason");
        Response bypass = admin.post("/ui/experiments/" + id + "/start", "reason", "ticket 7: a measured risk");
        assertThat(bypass.statusCode()).as(bypass.asString()).isEqualTo(303);
        as("erin").get("/api/v1/experiments/" + id).then().body("status", org.hamcrest.Matchers.equalTo("RUNNING"));
        assertThat(admin.get("/ui/experiments/" + id).asString()).contains("Running by an admin bypass");
        List<Map<String, Object>> starts = as("dave").get("/api/v1/audit?task=" + task + "&action=EXPERIMENT_START")
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertThat(starts).singleElement().satisfies(e -> {
            assertThat(e.get("adminBypass")).isEqualTo(true);
            assertThat(e.get("reason")).isEqualTo("ticket 7: a measured risk");
        });
    }

    /**
     * A RUNNING pilot is cancelled from the experiment page by whoever may run experiments (the pilot service's cancel,
     * as the API's DELETE .../pilot): the button only while it runs and only for them; a pilot that has ended is
     * refused on the page.
     */
    @Test
    void shouldCancelARunningPilotFromTheExperimentPage() {
        String task = "ui-pilot-cancel";
        assertThat(uploadEncoder(io.mptrec.governance.ab.CensusArtifacts.encoder()).statusCode()).isIn(200, 201);
        int v1 = io.mptrec.governance.Api.released(task, io.mptrec.governance.ab.CensusArtifacts.income(task, 1));
        int v2 = io.mptrec.governance.Api.approved(task, io.mptrec.governance.ab.CensusArtifacts.income(task, 2));
        long id = as("erin").contentType("application/json").body(Map.of("name", "ui-pilot-cancel", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                                Map.of("name", "treatment", "version", v2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        String experiment = "/ui/experiments/" + id;
        UiSession erin = UiSession.signIn("erin");
        assertThat(erin.get(experiment).asString()).doesNotContain("id=\"pilot-cancel\"");
        // 1,000 rows at 2 a second: running for minutes unless cancelled
        erin.post(experiment + "/pilot", "rows", "1000", "rate", "2", "label", "income").then().statusCode(303);

        String page = erin.get(experiment).asString();
        assertThat(page).contains("Pilot RUNNING").contains("id=\"pilot-cancel\"");
        String form = page.substring(page.indexOf("id=\"pilot-cancel\""));
        assertThat(form.substring(0, form.indexOf("</form>"))).contains("name=\"csrf-token\"")
                .contains(">Cancel pilot<");
        for (String reader : List.of("carol", "dave")) {
            UiSession session = UiSession.signIn(reader);
            assertThat(session.get(experiment).asString()).as(reader).contains("Pilot RUNNING")
                    .doesNotContain("id=\"pilot-cancel\"");
            Response refused = session.post(experiment + "/pilot/cancel");
            assertThat(refused.statusCode()).as(reader).isEqualTo(403);
            assertThat(refused.asString()).as(reader).contains("may not cancel a pilot");
        }
        as("erin").get("/api/v1/experiments/" + id + "/pilot").then()
                .body("state", org.hamcrest.Matchers.equalTo("RUNNING"));

        Response cancel = erin.post(experiment + "/pilot/cancel");
        assertThat(cancel.statusCode()).as(cancel.asString()).isEqualTo(303);
        assertThat(cancel.getHeader("Location")).endsWith(experiment + "?done=pilot-cancelled");
        String state = "RUNNING";
        for (int i = 0; i < 100 && "RUNNING".equals(state); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            state = as("erin").get("/api/v1/experiments/" + id + "/pilot").then().extract().path("state");
        }
        assertThat(state).isEqualTo("CANCELLED");
        as("erin").get("/api/v1/experiments/" + id + "/pilot").then()
                .body("error", org.hamcrest.Matchers.equalTo("cancelled by erin"));
        assertThat(erin.get(experiment).asString()).contains("Pilot CANCELLED").doesNotContain("id=\"pilot-cancel\"");
        Response ended = erin.post(experiment + "/pilot/cancel");
        assertThat(ended.statusCode()).isEqualTo(409);
        assertThat(ended.asString()).contains("<h1>Experiment ui-pilot-cancel")
                .contains("Nothing was changed: the pilot of experiment " + id + " is CANCELLED.");
        as("dave").get("/api/v1/audit?task=" + task + "&action=PILOT_CANCEL").then().statusCode(200)
                .body("items.actor", org.hamcrest.Matchers.contains("erin"));
    }

    /**
     * A percentage in hundredths is the share typed, on the create and the ramp form: 0.07 % was divided into
     * 7.000000000000001E-4, which the experiment service refuses (steps of 0.0001), as it did 2,760 of the 10,001
     * hundredths from 0 to 100.
     */
    @Test
    void shouldTakeAPercentageInHundredthsAsTheShareTyped() {
        String task = "ui-percent";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 75));
        int v2 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 76));
        UiSession erin = UiSession.signIn("erin");
        erin.get("/ui/experiments/new");
        Response created = erin.post("/ui/experiments", "name", "ui-percent", "task", task, "control",
                Integer.toString(v1), "treatment", Integer.toString(v2), "treatmentShare", "0.07", "ramp", "0.07",
                "guardrailMetric", "latency", "guardrailMargin", "0.07");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(303);
        long id = Long.parseLong(created.getHeader("Location").replaceAll(".*/experiments/(\\d+).*", "$1"));
        io.restassured.path.json.JsonPath e = as("erin").get("/api/v1/experiments/" + id).then().statusCode(200)
                .extract().jsonPath();
        assertThat(e.getDouble("ramp")).isEqualTo(0.0007);
        assertThat(e.getDouble("arms[1].weight")).isEqualTo(0.0007);
        assertThat(e.getDouble("guardrails[0].margin")).isEqualTo(0.0007);
        erin.get("/ui/experiments/" + id);
        Response ramp = erin.post("/ui/experiments/" + id + "/ramp", "ramp", "0.14");
        assertThat(ramp.statusCode()).as(ramp.asString()).isEqualTo(303);
        assertThat(as("erin").get("/api/v1/experiments/" + id).then().extract().jsonPath().getDouble("ramp"))
                .isEqualTo(0.0014);
    }

    private static Response uploadCovariates(UiSession session, long experiment, String csv) {
        return uploadCovariates(session, experiment, csv.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Response uploadCovariates(UiSession session, long experiment, byte[] csv) {
        return session.given().multiPart("csrf-token", session.csrfToken())
                .multiPart("file", "covariates.csv", csv, "text/csv")
                .post("/ui/experiments/" + experiment + "/covariates");
    }

    private static String section(String page, String task) {
        int start = page.indexOf("id=\"review-" + task + "-");
        assertThat(start).as("review of " + task + " in the queue").isPositive();
        int end = page.indexOf("</section>", start);
        return page.substring(start, end);
    }
}

package io.mptrec.governance.ui;

import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.transition;
import static io.mptrec.governance.Api.uploadEncoder;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refused form comes back as the same form, with every value as it was typed and the refusal in the form's words
 * (the field by the form's label, figures in the form's units), whether the page or the service refused it; nothing
 * was changed.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RefusedFormsTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    @BeforeEach
    void registerEncoder() {
        assertThat(uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
    }

    /**
     * The new experiment form: a refusal of the page (a share of 0) or of the experiment service (a name or a metric
     * name not matching the pattern, one version in both arms, a version that does not exist, a margin or ramp out of
     * range, a name taken) shows the form again with every value typed, 400 (409 for the name taken), the field by
     * its label and the margin and ramp in percent, as the form takes them.
     */
    @Test
    void shouldShowTheNewExperimentFormAgainWithEveryValueTypedAndTheRefusalInItsWords() {
        String task = "form-create";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 501));
        int v2 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 502));
        as("erin").contentType("application/json").body(Map.of("name", "form-taken", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                                Map.of("name", "treatment", "version", v2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201);
        int before = as("erin").get("/api/v1/experiments").then().extract().jsonPath().getList("$").size();
        UiSession erin = UiSession.signIn("erin");
        erin.get("/ui/experiments/new");

        String[][] cases = {
                {"treatmentShare", "0", "400", " (treatment share): a percentage above 0 and below 100, got 0."},
                {"name", "Form Kept", "400", " (name): must match [a-z][a-z0-9_-]{0,63}."},
                {"treatment", Integer.toString(v1), "400",
                        " (treatment version): version " + v1 + " appears in two arms."},
                {"successMetric", "Click Rate", "400", " (success metric): must match [a-z][a-z0-9_-]{0,63}."},
                {"treatment", "99", "400", " (treatment version): task 'form-create' has no version 99."},
                {"guardrailMargin", "1500", "400",
                        " (guardrail margin): a percentage of the control mean from 0 to 1000, got '1500'."},
                {"ramp", "150", "400", " (ramp): a percentage of all units from 0 to 100 in steps of 0.01, got '150'."},
                {"treatmentShare", "99.999", "400", " (treatment share): each arm needs at least 0.01 % of the"
                        + " experiment's units (one of its 10,000 buckets): a percentage from 0.01 to 99.99,"
                        + " got '99.999'."},
                {"name", "form-taken", "409", ": an experiment named 'form-taken' exists."}};
        for (String[] refused : cases) {
            Map<String, String> typed = new LinkedHashMap<>();
            typed.put("name", "form-kept");
            typed.put("task", task);
            typed.put("control", Integer.toString(v1));
            typed.put("treatment", Integer.toString(v2));
            typed.put("treatmentShare", "30");
            typed.put("ramp", "40");
            typed.put("successMetric", "clicks");
            typed.put("successKind", "MEAN");
            typed.put("guardrailMetric", "latency");
            typed.put("guardrailMargin", "7.5");
            typed.put(refused[0], refused[1]);
            String as = refused[0] + "=" + refused[1];
            Response r = erin.post("/ui/experiments", typed.entrySet().stream()
                    .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new));
            assertThat(r.statusCode()).as(as).isEqualTo(Integer.parseInt(refused[2]));
            String page = r.asString();
            assertThat(page).as(as).contains("<h1>New experiment</h1>");
            assertThat(notice(page, "create-error")).as(as).isEqualTo("No experiment was created" + refused[3]);
            assertThat(notice(page, "create-error")).as(as).doesNotContain("arms[").doesNotContain("successMetrics[")
                    .doesNotContain("guardrails[").doesNotContain("10.0");
            typed.forEach((field, value) -> {
                String shown = field.equals("task") || field.equals("successKind") ? selected(page, field)
                        : value(page, field);
                assertThat(shown).as(as + ": " + field).isEqualTo(value);
            });
        }
        assertThat(as("erin").get("/api/v1/experiments").then().extract().jsonPath().getList("$")).hasSize(before);
    }

    /**
     * The review queue: a Reject without a comment (the registry's refusal), or an author's Approve (four-eyes), comes
     * back to the queue with the refusal next to that version's form and the comment as typed, not to an error page.
     */
    @Test
    void shouldShowTheReviewQueueAgainWithTheRefusalNextToTheVersionsForm() {
        String task = "form-review";
        int v = uploadPrompt("pat", task, TestArtifacts.prompt(ENCODER, task, 511)).then().statusCode(201)
                .extract().path("number");
        transition("pat", task, v, "submit", null).then().statusCode(200);
        String form = task + "-" + v;

        UiSession bob = UiSession.signIn("bob");
        bob.get("/ui/reviews");
        Response reject = bob.post("/ui/reviews/" + task + "/" + v + "/reject", "comment", "  ");
        assertThat(reject.statusCode()).isEqualTo(400);
        String page = reject.asString();
        assertThat(page).contains("<h1>Review queue</h1>").doesNotContain("Bad request");
        assertThat(notice(page, "review-error-" + form)).isEqualTo("Nothing was changed (comment): a rejection needs a "
                + "comment.");
        String section = page.substring(page.indexOf("id=\"review-" + form + "\""));
        assertThat(section.substring(0, section.indexOf("</section>"))).contains("id=\"review-error-" + form + "\"")
                .contains("id=\"decide-" + form + "\"");
        assertThat(text(page, "comment-" + form)).isEqualTo("  ");

        UiSession pat = UiSession.signIn("pat");
        pat.get("/ui/reviews");
        Response approve = pat.post("/ui/reviews/" + task + "/" + v + "/approve", "comment", "mine, but <fine>");
        assertThat(approve.statusCode()).isEqualTo(409);
        assertThat(notice(approve.asString(), "review-error-" + form))
                .startsWith("Nothing was changed: four-eyes: pat");
        assertThat(text(approve.asString(), "comment-" + form)).isEqualTo("mine, but <fine>");
        as("dave").get("/api/v1/tasks/" + task + "/versions/" + v).then()
                .body("status", org.hamcrest.Matchers.equalTo("IN_REVIEW"));
    }

    /**
     * A comment as long as the registry takes (4,000 characters), typed in a script of two bytes a character, is
     * 24,000 bytes once URL-encoded: the page takes it and the audit keeps it whole; one character more is the
     * registry's refusal in the page's words, with the comment kept, not the HTTP layer's 413.
     */
    @Test
    void shouldTakeAReviewCommentAsLongAsTheRegistryTakes() {
        String task = "form-long-comment";
        int v = uploadPrompt("pat", task, TestArtifacts.prompt(ENCODER, task, 515)).then().statusCode(201)
                .extract().path("number");
        transition("pat", task, v, "submit", null).then().statusCode(200);
        String longest = "é".repeat(4000);
        UiSession bob = UiSession.signIn("bob");
        bob.get("/ui/reviews");

        Response tooLong = bob.post("/ui/reviews/" + task + "/" + v + "/reject", "comment", longest + "é");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(notice(tooLong.asString(), "review-error-" + task + "-" + v))
                .isEqualTo("Nothing was changed (comment): must have 1 to 4000 characters.");
        assertThat(text(tooLong.asString(), "comment-" + task + "-" + v)).isEqualTo(longest + "é");

        assertThat(bob.post("/ui/reviews/" + task + "/" + v + "/reject", "comment", longest).statusCode())
                .isEqualTo(303);
        List<Map<String, Object>> trail = as("dave").get("/api/v1/audit?task=" + task).then().statusCode(200)
                .extract().path("items");
        assertThat(trail).filteredOn(e -> "REJECT".equals(e.get("action"))).singleElement()
                .satisfies(e -> assertThat(e.get("reason")).isEqualTo(longest));
    }

    /**
     * The experiment page's actions: a refused Start (an unreviewed arm) or Pause (a DRAFT) keeps the reason typed; a
     * refused ramp keeps the ramp and its reason as typed (not the current ramp), whether the page refused it (no
     * number) or the experiment service (out of range, finer than its steps: said in %).
     */
    @Test
    void shouldKeepTheReasonAndTheRampTypedIntoARefusedActionOfAnExperiment() {
        String task = "form-actions";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 521));
        int v2 = uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 522)).then().statusCode(201)
                .extract().path("number");
        transition("alice", task, v2, "submit", null).then().statusCode(200);
        long id = draft("form-actions", task, v1, v2);
        String experiment = "/ui/experiments/" + id;
        UiSession erin = UiSession.signIn("erin");
        erin.get(experiment);

        Response start = erin.post(experiment + "/start", "reason", "go live <now>");
        assertThat(start.statusCode()).isEqualTo(409);
        assertThat(notice(start.asString(), "experiment-error"))
                .startsWith("Nothing was changed: experiment " + id + " cannot be started for live traffic");
        assertThat(value(start.asString(), "reason")).isEqualTo("go live <now>");
        Response pause = erin.post(experiment + "/pause", "reason", "look at it");
        assertThat(pause.statusCode()).isEqualTo(409);
        assertThat(notice(pause.asString(), "experiment-error")).isEqualTo("Nothing was changed: experiment " + id
                + " is DRAFT; only a RUNNING experiment can be paused.");
        assertThat(value(pause.asString(), "reason")).isEqualTo("look at it");

        String steps = "a percentage of all units from 0 to 100 in steps of 0.01, got ";
        for (String[] refused : new String[][] {{"abc", "a number, got 'abc'."}, {"150", steps + "'150'."},
                {"12.345", steps + "'12.345'."}, {" ", steps + "nothing."}}) {
            Response ramp = erin.post(experiment + "/ramp", "ramp", refused[0], "reason", "half the traffic");
            assertThat(ramp.statusCode()).as(refused[0]).isEqualTo(400);
            String page = ramp.asString();
            assertThat(notice(page, "experiment-error")).as(refused[0])
                    .isEqualTo("Nothing was changed (ramp): " + refused[1]);
            assertThat(value(page, "ramp")).as(refused[0]).isEqualTo(refused[0]);
            assertThat(value(page, "ramp-reason")).as(refused[0]).isEqualTo("half the traffic");
            assertThat(value(page, "reason")).as(refused[0]).isEmpty();
        }
        as("erin").get("/api/v1/experiments/" + id).then().body("status", org.hamcrest.Matchers.equalTo("DRAFT"))
                .body("ramp", org.hamcrest.Matchers.equalTo(1.0f));
    }

    /**
     * The labels form: a refused label name keeps the name typed and the version chosen selected (it fell back to the
     * first version); a version that is none is the form's 400, not a 404.
     */
    @Test
    void shouldKeepTheVersionChosenOnARefusedLabel() {
        String task = "form-labels";
        io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 531));
        int v2 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 532));
        UiSession alice = UiSession.signIn("alice");
        alice.get("/ui/tasks/" + task + "/labels");
        Response name = alice.post("/ui/tasks/" + task + "/labels", "name", "Not A Name", "version",
                Integer.toString(v2));
        assertThat(name.statusCode()).isEqualTo(400);
        assertThat(selected(name.asString(), "version")).isEqualTo(Integer.toString(v2));
        assertThat(value(name.asString(), "name")).isEqualTo("Not A Name");
        assertThat(notice(name.asString(), "label-error"))
                .isEqualTo("Nothing was changed (name): must match [a-z][a-z0-9_-]{0,63}.");
        Response none = alice.post("/ui/tasks/" + task + "/labels", "name", "staging", "version", "99");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(notice(none.asString(), "label-error"))
                .isEqualTo("Nothing was changed (version): task '" + task + "' has no version 99.");
        assertThat(value(none.asString(), "name")).isEqualTo("staging");
        as("dave").get("/api/v1/tasks/" + task + "/versions/" + v2).then()
                .body("labels.size()", org.hamcrest.Matchers.equalTo(0));
    }

    /** The admin bypass of four-eyes: refused for a missing reason, it keeps the review comment typed. */
    @Test
    void shouldKeepTheReviewCommentOfABypassRefusedForAMissingReason() {
        String task = "form-bypass";
        int v = uploadPrompt("admin", task, TestArtifacts.prompt(ENCODER, task, 541)).then().statusCode(201)
                .extract().path("number");
        transition("admin", task, v, "submit", null).then().statusCode(200);
        String bypass = "/ui/reviews/" + task + "/" + v + "/bypass";
        UiSession admin = UiSession.signIn("admin");
        admin.get(bypass);
        Response refused = admin.post(bypass, "reason", " ", "comment", "lineage & metrics checked");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(text(refused.asString(), "comment")).isEqualTo("lineage & metrics checked");
        assertThat(text(refused.asString(), "reason")).isEqualTo(" ");
        assertThat(notice(refused.asString(), "bypass-error")).isEqualTo("Nothing was changed (reason): a bypass of "
                + "four-eyes needs a reason; it is kept in the audit log.");
        as("dave").get("/api/v1/tasks/" + task + "/versions/" + v).then()
                .body("status", org.hamcrest.Matchers.equalTo("IN_REVIEW"));
    }

    /**
     * The pilot form: rows, a rate or an outcome label the pilot service refuses (or rows that are no number) come back
     * on the experiment page with the pilot form as typed and the refusal naming the field, not as an error page.
     */
    @Test
    void shouldShowTheExperimentPageAgainWithThePilotFormAsTyped() {
        String task = "form-pilot";
        int v1 = io.mptrec.governance.Api.released(task, TestArtifacts.prompt(ENCODER, task, 551));
        int v2 = io.mptrec.governance.Api.approved(task, TestArtifacts.prompt(ENCODER, task, 552));
        long id = draft("form-pilot", task, v1, v2);
        String experiment = "/ui/experiments/" + id;
        UiSession erin = UiSession.signIn("erin");
        erin.get(experiment);
        for (String[] refused : new String[][] {
                {"-5", "2", "income", " (rows): must be in [1, 100000]."},
                {"abc", "2", "income", " (rows): a whole number, got 'abc'."},
                {"100", "-1", "income", " (requests per second): must be >= 0 (0: unpaced)."},
                {"100", "", "nosuch", " (outcome label): the pilot dataset has no label 'nosuch'; it has "}}) {
            String as = String.join(", ", refused[0], refused[1], refused[2]);
            Response r = erin.post(experiment + "/pilot", "rows", refused[0], "rate", refused[1], "label", refused[2]);
            assertThat(r.statusCode()).as(as).isEqualTo(400);
            String page = r.asString();
            assertThat(page).as(as).contains("<h1>Experiment form-pilot");
            assertThat(value(page, "rows")).as(as).isEqualTo(refused[0]);
            assertThat(value(page, "rate")).as(as).isEqualTo(refused[1]);
            assertThat(value(page, "label")).as(as).isEqualTo(refused[2]);
            assertThat(notice(page, "experiment-error")).as(as).startsWith("No pilot was started" + refused[3])
                    .doesNotContain("ratePerSecond");
        }
        as("erin").get("/api/v1/experiments/" + id + "/pilot").then().statusCode(404);
    }

    private static long draft(String name, String task, int control, int treatment) {
        return as("erin").contentType("application/json").body(Map.of("name", name, "task", task,
                        "arms", List.of(Map.of("name", "control", "version", control, "weight", 0.5),
                                Map.of("name", "treatment", "version", treatment, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** The value of the input with this id, as the page gives it back. */
    static String value(String page, String id) {
        Matcher input = Pattern.compile("<input[^>]*\\bid=\"" + id + "\"[^>]*>").matcher(page);
        assertThat(input.find()).as("input " + id).isTrue();
        Matcher value = Pattern.compile("\\bvalue=\"([^\"]*)\"").matcher(input.group());
        return value.find() ? unescape(value.group(1)) : null;
    }

    /** The text of the textarea with this id. */
    static String text(String page, String id) {
        Matcher area = Pattern.compile("<textarea[^>]*\\bid=\"" + id + "\"[^>]*>(.*?)</textarea>", Pattern.DOTALL)
                .matcher(page);
        assertThat(area.find()).as("textarea " + id).isTrue();
        return unescape(area.group(1));
    }

    /** The value of the selected option of the select with this id, or null. */
    static String selected(String page, String id) {
        Matcher select = Pattern.compile("<select[^>]*\\bid=\"" + id + "\"[^>]*>(.*?)</select>", Pattern.DOTALL)
                .matcher(page);
        assertThat(select.find()).as("select " + id).isTrue();
        Matcher option = Pattern.compile("<option value=\"([^\"]*)\"\\s+selected").matcher(select.group(1));
        return option.find() ? unescape(option.group(1)) : null;
    }

    /** The text of the element with this id (a notice), tags dropped, white space collapsed. */
    static String notice(String page, String id) {
        Matcher notice = Pattern.compile("id=\"" + id + "\"[^>]*>(.*?)</div>", Pattern.DOTALL).matcher(page);
        assertThat(notice.find()).as("notice " + id).isTrue();
        return unescape(notice.group(1).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip());
    }

    private static String unescape(String html) {
        return html.replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}

package io.mptrec.governance.ui;

import io.mptrec.ab.experiment.PromotionPreview;
import io.mptrec.ab.experiment.service.PromotionService;
import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.kernel.security.Actor;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.ReleasePreview;
import io.mptrec.registry.api.RollbackPreview;
import io.mptrec.registry.api.VersionStatus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.transition;
import static io.mptrec.governance.Api.uploadEncoder;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thin UI: the pages render the previews the owning services compute, and those services' actions run the same
 * checks (a preview and the action cannot disagree); one exception mapper makes a refusal a page under /ui while the
 * API keeps problem+json.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ThinUiTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final Actor CAROL = new Actor("carol", false);
    static final Actor ADMIN = new Actor("admin", true);

    @Inject
    Lifecycle lifecycle;

    @Inject
    PromotionService promotion;

    @Inject
    DataSource dataSource;

    @BeforeEach
    void registerEncoder() {
        assertThat(uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
    }

    /**
     * Pages and API read one table of who may do what ({@code Permission}): every user is refused or allowed the
     * experiment pages exactly as the experiments API refuses or allows them (a prompt author or approver used to read
     * the pages the API refused them).
     */
    @Test
    void shouldAllowTheExperimentPagesToExactlyTheUsersTheApiAllows() {
        for (String user : List.of("alice", "bob", "carol", "erin", "dave", "admin")) {
            int api = Api.as(user).get("/api/v1/experiments").statusCode();
            int page = UiSession.signIn(user).get("/ui/experiments").statusCode();
            assertThat(api).as(user + " on the API").isIn(200, 403);
            assertThat(page).as(user + " on the page (the API says " + api + ")").isEqualTo(api);
        }
        String refused = UiSession.signIn("alice").get("/ui/experiments").asString();
        assertThat(refused).contains("may not read experiments").contains("experimenter or release-manager or auditor");
    }

    @Test
    void shouldRenderARefusalAsAPageUnderUiAndAsProblemJsonUnderApi() {
        UiSession erin = UiSession.signIn("erin");
        Response page = erin.get("/ui/tasks/no-such-task");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.asString()).contains("no task named &#39;no-such-task&#39;").doesNotContain("\"status\"");

        Response api = as("erin").get("/api/v1/tasks/no-such-task");
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(api.contentType()).startsWith("application/problem+json");
        assertThat(api.jsonPath().getString("detail")).isEqualTo("no task named 'no-such-task'");

        // the same ApiException from an ab-testing service: page and problem+json
        Response experimentPage = erin.get("/ui/experiments/999998");
        assertThat(experimentPage.statusCode()).isEqualTo(404);
        assertThat(experimentPage.contentType()).startsWith("text/html");
        Response experimentApi = as("erin").get("/api/v1/experiments/999998");
        assertThat(experimentApi.statusCode()).isEqualTo(404);
        assertThat(experimentApi.contentType()).startsWith("application/problem+json");

        Response forbidden = UiSession.signIn("alice").get("/ui/experiments/new");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.contentType()).startsWith("text/html");
        assertThat(forbidden.asString()).contains("may not create an experiment");
    }

    @Test
    void shouldPreviewAReleaseAsTheReleaseThenDecides() {
        String task = "thin-release";
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 71));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 72));
        int v3 = uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 73)).then().statusCode(201)
                .extract().path("number");
        transition("alice", task, v3, "submit", null).then().statusCode(200);

        ReleasePreview approved = lifecycle.releasePreview(task, v2, CAROL);
        assertThat(approved.allowed()).isTrue();
        assertThat(approved.bypass()).isFalse();
        assertThat(approved.refusal()).isNull();
        assertThat(approved.productionNow()).isEqualTo(v1);
        assertThat(approved.productionNowBecomes()).isEqualTo(VersionStatus.RETIRED);
        assertThat(approved.approval().reviewer()).isEqualTo("bob");
        assertThat(approved.approval().author()).isEqualTo("alice");
        assertThat(approved.approval().valid()).isTrue();

        // IN_REVIEW: refused for a release manager, an admin bypass (with a reason) for an admin; the release agrees
        ReleasePreview inReview = lifecycle.releasePreview(task, v3, CAROL);
        assertThat(inReview.allowed()).isFalse();
        assertThat(inReview.bypass()).isTrue();
        assertThat(inReview.refusal()).isEqualTo("version " + v3 + " is IN_REVIEW; only an APPROVED version can be released");
        Response refused = transition("carol", task, v3, "release", null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.jsonPath().getString("detail")).isEqualTo(inReview.refusal());
        ReleasePreview asAdmin = lifecycle.releasePreview(task, v3, ADMIN);
        assertThat(asAdmin.allowed()).isTrue();
        assertThat(asAdmin.bypass()).isTrue();
        assertThat(asAdmin.reasonRequired()).isTrue();
        transition("admin", task, v3, "release", null).then().statusCode(409)
                .body("type", org.hamcrest.Matchers.endsWith("bypass-needs-reason"));

        // the page: a refused release offers no form and says why; the admin's page warns of the bypass
        String page = UiSession.signIn("carol").get("/ui/tasks/" + task + "/versions/" + v3 + "/release").asString();
        assertThat(page).contains("The server will refuse the release").doesNotContain("id=\"release-form\"");
        String adminPage = UiSession.signIn("admin").get("/ui/tasks/" + task + "/versions/" + v3 + "/release").asString();
        assertThat(adminPage).contains("id=\"bypass-warning\"").contains("id=\"release-form\"");

        // RETIRED after a release: refused for everyone, as the release says
        transition("carol", task, v2, "release", "{\"reason\":\"better\"}").then().statusCode(200);
        ReleasePreview retired = lifecycle.releasePreview(task, v1, ADMIN);
        assertThat(retired.allowed()).isFalse();
        assertThat(retired.bypass()).isFalse();
        assertThat(transition("admin", task, v1, "release", "{\"reason\":\"x\"}").jsonPath().getString("detail"))
                .isEqualTo(retired.refusal());
    }

    @Test
    void shouldPreviewARollbackAsTheRollbackThenDecides() {
        String task = "thin-rollback";
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 81));
        int v2 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 82));

        RollbackPreview back = lifecycle.rollbackPreview(task, null, CAROL);
        assertThat(back.allowed()).isTrue();
        assertThat(back.productionNow()).isEqualTo(v2);
        assertThat(back.productionNowBecomes()).isEqualTo(VersionStatus.ROLLED_BACK);
        assertThat(back.target()).isEqualTo(v1);
        assertThat(back.candidates()).containsExactly(v1);

        RollbackPreview toProduction = lifecycle.rollbackPreview(task, v2, CAROL);
        assertThat(toProduction.allowed()).isFalse();
        Response refused = as("carol").contentType("application/json")
                .body(Map.of("reason", "x", "targetVersion", v2)).post("/api/v1/tasks/" + task + "/rollback");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.jsonPath().getString("detail")).isEqualTo(toProduction.refusal());
    }

    @Test
    void shouldPreviewAPromotionAsThePromotionThenDecides() {
        String task = "thin-promote";
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 91));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 92));
        long id = as("erin").contentType("application/json").body(Map.of("name", "thin-no-winner", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                                Map.of("name", "treatment", "version", v2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/start")
                .then().statusCode(200);

        PromotionPreview preview = promotion.promotionPreview(id, null, CAROL);
        assertThat(preview.chosen()).isNull();
        assertThat(preview.allowed()).isFalse();
        assertThat(preview.candidates()).extracting(PromotionPreview.Candidate::arm).containsExactly("treatment");
        assertThat(preview.refusal()).startsWith("no arm has the verdict SHIP");
        Response refused = as("carol").contentType("application/json").body("{}")
                .post("/api/v1/experiments/" + id + "/promote");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.jsonPath().getString("detail")).isEqualTo(preview.refusal());
    }

    /**
     * A SHIP winner whose version already serves production (the challenger was the control): the preview says so and
     * offers no release, so nothing reads "moves from v1 to v1"; promote refuses it the same way and changes nothing;
     * the page offers stopping the experiment instead (the form to whoever may stop it, words to a release manager).
     */
    @Test
    void shouldOfferAStopInsteadOfAReleaseWhenTheWinnerAlreadyServesProduction() throws Exception {
        String task = "thin-winner-in-production";
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 93));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 94));
        long id = ExperimentTraffic.shipping(dataSource, task, v2, "treatment", v1);
        assertThat(as("erin").get("/api/v1/experiments/" + id + "/results").jsonPath().getString("verdict"))
                .isEqualTo("SHIP");

        PromotionPreview preview = promotion.promotionPreview(id, null, CAROL);
        assertThat(preview.alreadyProduction()).isTrue();
        assertThat(preview.chosen()).isEqualTo("treatment");
        assertThat(preview.version()).isEqualTo(v1);
        assertThat(preview.release()).as("no release offered").isNull();
        assertThat(preview.allowed()).isFalse();
        assertThat(preview.refusal()).isEqualTo("arm 'treatment' ships, and its version " + v1 + " already serves "
                + "production of '" + task + "': there is nothing to release; stop the experiment instead");
        long auditBefore = auditTotal(task);

        Response refused = as("carol").contentType("application/json").body(Map.of("reason", "it won"))
                .post("/api/v1/experiments/" + id + "/promote");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getString("type")).isEqualTo("/problems/already-production");
        assertThat(refused.jsonPath().getString("detail")).isEqualTo(preview.refusal());
        assertThat(Api.experimentStatus(id)).isEqualTo("RUNNING");
        as("carol").get("/api/v1/tasks/" + task).then().body("production", org.hamcrest.Matchers.equalTo(v1));
        assertThat(auditTotal(task)).as("audit entries after the refusal").isEqualTo(auditBefore);

        String carolPage = UiSession.signIn("carol").get("/ui/experiments/" + id + "/promote").asString();
        assertThat(carolPage).contains("The winner, arm &#39;treatment&#39; (v" + v1 + "), already serves production")
                .contains("there is nothing to release").contains("Stop the experiment instead")
                .contains("id=\"stop-instead\"").doesNotContain("moves from")
                .doesNotContain("id=\"promote-form\"").doesNotContain("id=\"stop-form\"");
        String adminPage = UiSession.signIn("admin").get("/ui/experiments/" + id + "/promote").asString();
        assertThat(adminPage).contains("already serves production").doesNotContain("id=\"promote-form\"")
                .contains("id=\"stop-form\"").contains("action=\"/ui/experiments/" + id + "/stop\"");
    }

    /**
     * A SHIP winner that served production before (a rollback arm, RETIRED): the registry's release refuses a RETIRED
     * version, so the promotion returns to it by the registry's rollback, previewed as such, and stops the experiment.
     */
    @Test
    void shouldPromoteAWinningRollbackArmByRollback() throws Exception {
        String task = "thin-winner-retired";
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 95));
        int v2 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 96));
        long id = ExperimentTraffic.shipping(dataSource, task, v2, "previous", v1);

        PromotionPreview preview = promotion.promotionPreview(id, null, CAROL);
        assertThat(preview.chosen()).isEqualTo("previous");
        assertThat(preview.release()).isNull();
        assertThat(preview.reinstate()).isNotNull();
        assertThat(preview.reinstate().productionNow()).isEqualTo(v2);
        assertThat(preview.reinstate().target()).isEqualTo(v1);
        assertThat(preview.allowed()).isTrue();
        assertThat(UiSession.signIn("carol").get("/ui/experiments/" + id + "/promote").asString())
                .contains("v" + v1 + " served production before (a rollback arm): production of &#39;" + task
                        + "&#39; moves from v" + v2 + " back to v" + v1 + " by the registry&#39;s rollback")
                .contains("id=\"promote-form\"");

        as("carol").contentType("application/json").body(Map.of("reason", "the old one converts better"))
                .post("/api/v1/experiments/" + id + "/promote").then().statusCode(200);
        as("carol").get("/api/v1/tasks/" + task).then().body("production", org.hamcrest.Matchers.equalTo(v1));
        assertThat(Api.experimentStatus(id)).isEqualTo("STOPPED");
        List<String> actions = as("dave").get("/api/v1/audit?size=100&task=" + task).jsonPath().getList("items.action");
        assertThat(actions).contains("REINSTATE", "ROLLBACK", "EXPERIMENT_PROMOTE");
    }

    private static long auditTotal(String task) {
        return ((Number) as("dave").get("/api/v1/audit?size=1&task=" + task).then().statusCode(200).extract()
                .path("total")).longValue();
    }
}

package io.mptrec.governance;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mptrec.governance.Api.as;
import static org.hamcrest.Matchers.equalTo;

/** A second application start on the H2 file {@link H2FirstStartTests} wrote: state and audit log are there. */
@QuarkusTest
@TestProfile(H2FileProfile.Second.class)
class H2SecondStartTests {

    @Test
    void shouldFindStateAndAuditLogAfterRestart() {
        as("erin").get("/api/v1/encoders/" + H2FirstStartTests.ENCODER.contentSha256()).then().statusCode(200);
        as("erin").get("/api/v1/tasks/" + H2FirstStartTests.TASK).then().statusCode(200).body("production", equalTo(1));
        as("erin").get("/api/v1/tasks/" + H2FirstStartTests.TASK + "/versions/2").then().body("status", equalTo("ROLLED_BACK"));
        as("dave").get("/api/v1/audit?task=" + H2FirstStartTests.TASK).then().statusCode(200)
                .body("total", equalTo(14)).body("items[13].reason", equalTo("restart check"));
        // the artifact bytes survived too, and still verify
        byte[] zip = as("erin").get("/api/v1/tasks/" + H2FirstStartTests.TASK + "/versions/1/artifact").then()
                .statusCode(200).extract().asByteArray();
        io.mptrec.model.artifact.ArtifactBundle.fromZip(zip, "after restart");
    }

    @Test
    void shouldHaveSeededTheShippedPromptsOnceOnly() {
        List<String> tasks = List.of("income", "marital", "education", "click", "long_view", "like", "profile_enter");
        for (String task : tasks) {
            as("erin").get("/api/v1/tasks/" + task).then().statusCode(200).body("production", equalTo(1))
                    .body("versions", equalTo(1));
        }
        // seeded at the first start only: the second start found a non-empty registry
        as("dave").get("/api/v1/audit?actor=system&action=SEED_RELEASE").then().statusCode(200)
                .body("total", equalTo(tasks.size()));
        // and the contribution reports shipped beside them were attached, once
        as("dave").get("/api/v1/audit?actor=system&action=REPORT_ATTACHED").then().statusCode(200)
                .body("total", equalTo(tasks.size()));
        as("erin").get("/api/v1/tasks/education/versions/1/report").then().statusCode(200)
                .body("task", equalTo("education"));
        as("erin").get("/api/v1/tasks/profile_enter/versions/1/report").then().statusCode(200)
                .body("task", equalTo("profile_enter"));
        // two encoders: Census's and, opted in, KuaiRand's
        as("dave").get("/api/v1/audit?actor=system&action=REGISTER_ENCODER").then().body("total", equalTo(2));
    }
}

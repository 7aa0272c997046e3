package io.mptrec.governance;

import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import static io.mptrec.governance.Api.as;
import static org.hamcrest.Matchers.equalTo;

/** First start on a fresh H2 file: register, release, roll back. {@link H2SecondStartTests} checks it all survived. */
@QuarkusTest
@TestProfile(H2FileProfile.First.class)
class H2FirstStartTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "restart";

    @Test
    void shouldStoreStateInTheH2File() {
        Api.uploadEncoder(ENCODER).then().statusCode(201);
        Api.released(TASK, TestArtifacts.prompt(ENCODER, TASK, 71));
        Api.released(TASK, TestArtifacts.prompt(ENCODER, TASK, 72));
        as("carol").contentType("application/json").body("{\"reason\":\"restart check\"}")
                .post("/api/v1/tasks/" + TASK + "/rollback").then().statusCode(200);
        as("dave").get("/api/v1/audit?task=" + TASK).then().statusCode(200).body("total", equalTo(14));
    }
}

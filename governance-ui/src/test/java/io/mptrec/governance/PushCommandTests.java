package io.mptrec.governance;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.cli.MptrecCommand;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mptrec push} uploads what {@code mptrec pretrain} and {@code tune} wrote, through the real API. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class PushCommandTests {

    @TestHTTPResource("/")
    URL registry;

    @Test
    void shouldPushAnEncoderAndATaskPromptAsTheNextDraftVersion(@TempDir Path dir) {
        ArtifactBundle encoder = TestArtifacts.encoder(31);
        ArtifactBundle prompt = TestArtifacts.prompt(encoder, "pushed", 32);
        encoder.write(dir.resolve("encoder"));
        prompt.write(dir.resolve("prompt-pushed"));
        String url = registry.toString();

        assertThat(MptrecCommand.execute("push", dir.resolve("encoder").toString(), "--registry", url,
                "--user", "alice", "--password", "alice")).isZero();
        assertThat(MptrecCommand.execute("push", dir.resolve("prompt-pushed").toString(), "--registry", url,
                "--user", "alice", "--password", "alice")).isZero();
        as("dave").get("/api/v1/tasks/pushed/versions/1").then().statusCode(200)
                .body("status", equalTo("DRAFT"))
                .body("contentSha256", equalTo(prompt.contentSha256()));
        // pushing identical content again is no new version
        assertThat(MptrecCommand.execute("push", dir.resolve("prompt-pushed").toString(), "--registry", url,
                "--user", "alice", "--password", "alice")).isZero();
        as("dave").get("/api/v1/tasks/pushed/versions").then().statusCode(200).body("size()", equalTo(1));
    }

    @Test
    void shouldFailWithTheRegistrysReasonWhenTheRoleIsWrong(@TempDir Path dir) {
        ArtifactBundle encoder = TestArtifacts.encoder(33);
        encoder.write(dir.resolve("encoder"));
        assertThat(MptrecCommand.execute("push", dir.resolve("encoder").toString(), "--registry", registry.toString(),
                "--user", "dave", "--password", "dave")).isEqualTo(2);
    }
}

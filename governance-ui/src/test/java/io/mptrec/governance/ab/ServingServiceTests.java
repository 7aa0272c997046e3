package io.mptrec.governance.ab;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The score response names the request's columns that the served version's encoder does not read
 * ({@code ignoredColumns}), so a client can see a misspelt column, which is still scored as missing, not refused: one
 * candidate record may serve versions whose encoders read different columns. The test encoder reads age and sex.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ServingServiceTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "ignored-columns";

    /** The application (and its database) lives through this class's tests: the task is released once. */
    private static boolean released;

    @BeforeEach
    void release() {
        if (!released) {
            assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
            Api.released(TASK, TestArtifacts.prompt(ENCODER, TASK, 391));
            released = true;
        }
    }

    @Test
    void shouldNameTheRowsColumnsNoEncoderReadSortedAndScoreThemAsMissing() {
        JsonPath misspelt = score(Map.of("rows", List.of(Map.of("age", "40", "sexx", "m"),
                Map.of("age", "23", "zip", "10115", "Sex", "f"), Map.of("age", "61", "sexx", "f"))));
        JsonPath missing = score(Map.of("rows", List.of(Map.of("age", "40"), Map.of("age", "23"),
                Map.of("age", "61"))));

        assertThat(misspelt.getList("ignoredColumns", String.class)).containsExactly("Sex", "sexx", "zip");
        assertThat(misspelt.getList("scores", Float.class)).as("a misspelt column is missing, not refused")
                .isEqualTo(missing.getList("scores", Float.class));
        assertThat(missing.getMap("")).doesNotContainKey("ignoredColumns");
    }

    @Test
    void shouldNameTheColumnsLayoutsColumnsNoEncoderReadAndOmitTheFieldWhenNone() {
        JsonPath misspelt = score(Map.of("columns", Map.of("age", List.of("40", "23"), "sexx", List.of("m", "f"),
                "AGE", List.of("1", "2"))));
        assertThat(misspelt.getList("ignoredColumns", String.class)).containsExactly("AGE", "sexx");

        JsonPath exact = score(Map.of("columns", Map.of("age", List.of("40", "23"), "sex", List.of("m", "f"))));
        assertThat(exact.getMap("")).doesNotContainKey("ignoredColumns").containsKey("scores");
        assertThat(exact.getList("scores", Float.class)).hasSize(2);
    }

    private static JsonPath score(Map<String, Object> candidates) {
        Map<String, Object> body = new HashMap<>(candidates);
        body.put("task", TASK);
        body.put("unitId", "u-1");
        return as("erin").contentType("application/json").body(body).post("/api/v1/score").then().statusCode(200)
                .extract().jsonPath();
    }
}

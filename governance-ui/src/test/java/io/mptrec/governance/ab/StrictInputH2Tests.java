package io.mptrec.governance.ab;

import io.mptrec.governance.Api;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * StrictInputTests' examples where H2 and PostgreSQL differ, on H2: H2 stores a NUL and a date of the year 999999999
 * that PostgreSQL refuses; both are refused at the edge with the same 400 on either database, and nothing is stored.
 */
@QuarkusTest
@TestProfile(HostileInputH2Tests.H2Memory.class)
class StrictInputH2Tests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    @Inject
    DataSource dataSource;

    @Test
    void shouldRefuseNulInTheRegistrysTextAndFarDatesOnH2AsOnPostgresql() throws Exception {
        String task = "h2-strict";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 391));
        int approved = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 392));
        int draft = Api.uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 393)).then().statusCode(201)
                .extract().path("number");
        Api.transition("alice", task, draft, "submit", null).then().statusCode(200);
        long audit = count("SELECT COUNT(*) FROM audit_log");
        refused(Api.transition("bob", task, draft, "approve", "{\"comment\":\"nul\\u0000\"}"), "comment");
        refused(Api.transition("bob", task, draft, "reject", "{\"comment\":\"nul\\u0000\"}"), "comment");
        refused(Api.transition("carol", task, approved, "release", "{\"reason\":\"nul\\u0000\"}"), "reason");
        refused(as("carol").contentType("application/json").body(Map.of("reason", "nul\u0000", "targetVersion", v1))
                .post("/api/v1/tasks/" + task + "/rollback"), "reason");
        refused(Api.transition("carol", task, approved, "release", "{\"reason\":\"a\",\"reason\":\"b\"}"), "reason");
        for (String far : List.of("-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z")) {
            refused(as("dave").queryParam("from", far).get("/api/v1/audit"), "from");
            refused(as("dave").queryParam("to", far).get("/api/v1/audit"), "to");
        }
        assertThat(count("SELECT COUNT(*) FROM audit_log")).isEqualTo(audit);
        long id = as("erin").contentType("application/json").body(Map.of("name", "h2-strict-ab", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                                Map.of("name", "treatment", "version", approved, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        long experimentAudit = count("SELECT COUNT(*) FROM audit_log");
        refused(as("erin").contentType("application/json").body("{\"ramp\":1e-320}")
                .post("/api/v1/experiments/" + id + "/ramp"), "ramp");
        refused(as("erin").contentType("application/json").body("{\"reason\":\"nul\\u0000\"}")
                .post("/api/v1/experiments/" + id + "/start"), "reason");
        assertThat(count("SELECT COUNT(*) FROM audit_log")).isEqualTo(experimentAudit);
        assertThat(count("SELECT COUNT(*) FROM approval WHERE comment LIKE '%' || CHAR(0) || '%'")).isZero();
    }

    private static ValidatableResponse refused(Response r, String field) {
        return r.then().log().ifValidationFails().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo(field));
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}

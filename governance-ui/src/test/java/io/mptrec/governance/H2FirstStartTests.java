package io.mptrec.governance;

import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** First start on a fresh H2 file: register, release, roll back. {@link H2SecondStartTests} checks it all survived. */
@QuarkusTest
@TestProfile(H2FileProfile.First.class)
class H2FirstStartTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "restart";

    @Inject
    DataSource dataSource;

    @Test
    void shouldStoreStateInTheH2File() {
        Api.uploadEncoder(ENCODER).then().statusCode(201);
        Api.released(TASK, TestArtifacts.prompt(ENCODER, TASK, 71));
        Api.released(TASK, TestArtifacts.prompt(ENCODER, TASK, 72));
        as("carol").contentType("application/json").body("{\"reason\":\"restart check\"}")
                .post("/api/v1/tasks/" + TASK + "/rollback").then().statusCode(200);
        as("dave").get("/api/v1/audit?task=" + TASK).then().statusCode(200).body("total", equalTo(14));
    }

    /** H2's own migration folder ran (db/migration-h2): the per-request tables' ids come from a cache of 1000. */
    @Test
    void shouldCacheTheIdsOfThePerRequestTablesOnH2() throws SQLException {
        Map<String, Long> caches = new HashMap<>();
        try (Connection c = dataSource.getConnection(); ResultSet r = c.createStatement().executeQuery(
                "SELECT table_name, identity_cache FROM information_schema.columns WHERE column_name = 'ID' "
                        + "AND table_name IN ('EXPOSURE', 'KPI_EVENT', 'AUDIT_LOG')")) {
            while (r.next()) {
                caches.put(r.getString(1), r.getLong(2));
            }
        }
        assertThat(caches).containsEntry("EXPOSURE", 1000L).containsEntry("KPI_EVENT", 1000L)
                .containsEntry("AUDIT_LOG", 32L);
    }
}

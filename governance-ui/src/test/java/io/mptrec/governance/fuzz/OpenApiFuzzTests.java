package io.mptrec.governance.fuzz;

import io.mptrec.ab.serving.service.ExposureWriter;
import io.mptrec.governance.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI-driven fuzz test on PostgreSQL (the production database): {@link FuzzRun#REQUESTS} requests generated
 * from /q/openapi, each with one thing mutated, sent as a user holding the operation's role against seeded state.
 * No 5xx, every 4xx a problem (with the field when a field or parameter was mutated), nothing changed by a refusal.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(FuzzProfiles.Postgres.class)
class OpenApiFuzzTests {

    @Inject
    DataSource dataSource;

    @Inject
    ExposureWriter exposures;

    @Test
    void shouldRefuseEveryMutatedRequestWithAProblemAndChangeNothing() throws Exception {
        run("postgresql", dataSource, exposures);
    }

    static void run(String database, DataSource dataSource, ExposureWriter exposures) throws Exception {
        FuzzRun run = new FuzzRun(database, RestAssured.baseURI + ":" + RestAssured.port, dataSource,
                exposures::awaitStored);
        System.out.println("OpenAPI fuzz on " + database + ": seed " + FuzzRun.SEED + ", " + FuzzRun.REQUESTS
                + " requests");
        String report = run.run(FuzzRun.REQUESTS);
        run.write(report);
        if (!run.failed()) {
            System.out.println(report); // the figures of a passing run; a failing one prints it as its message
        }
        assertThat(run.failed()).as(report).isFalse();
    }
}

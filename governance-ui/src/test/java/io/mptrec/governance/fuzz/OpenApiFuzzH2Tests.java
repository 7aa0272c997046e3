package io.mptrec.governance.fuzz;

import io.mptrec.ab.serving.service.ExposureWriter;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

/** The same fuzz run on H2, the shipped default database (an in-memory one of its own). */
@QuarkusTest
@TestProfile(FuzzProfiles.H2.class)
class OpenApiFuzzH2Tests {

    @Inject
    DataSource dataSource;

    @Inject
    ExposureWriter exposures;

    @Test
    void shouldRefuseEveryMutatedRequestWithAProblemAndChangeNothingOnH2() throws Exception {
        OpenApiFuzzTests.run("h2", dataSource, exposures);
    }
}

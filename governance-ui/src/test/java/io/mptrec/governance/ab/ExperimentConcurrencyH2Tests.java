package io.mptrec.governance.ab;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ExperimentConcurrencyTests} on H2, the default database: the same winners, 409s and quiet log. */
@QuarkusTest
@TestProfile(HostileInputH2Tests.H2Memory.class)
class ExperimentConcurrencyH2Tests extends ExperimentConcurrencyTests {
}

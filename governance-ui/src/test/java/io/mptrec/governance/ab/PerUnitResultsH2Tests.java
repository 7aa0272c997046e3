package io.mptrec.governance.ab;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The per-unit results on H2, the README's database: the same SQL, and H2 types a bare parameter by what it meets
 * (a shift multiplied by a count was rounded to a whole number, and every RATIO estimate moved by the difference).
 */
@QuarkusTest
@TestProfile(HostileInputH2Tests.H2Memory.class)
class PerUnitResultsH2Tests extends PerUnitResultsTests {
}

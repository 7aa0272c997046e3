package io.mptrec.governance.fuzz;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.HashMap;
import java.util.Map;

/**
 * The fuzz runs' configuration: scheduled guardrail evaluations off, so that nothing but the fuzzer's own request
 * changes the tables between the two snapshots around it.
 */
final class FuzzProfiles {

    private FuzzProfiles() {
    }

    static final Map<String, String> QUIET = Map.of("mptrec.ab.guardrails.every", "off");

    /** The test default, PostgreSQL (the global PostgresResource sets the URL). */
    public static class Postgres implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return QUIET;
        }
    }

    /** An in-memory H2 database of its own, as the shipped default build uses H2. */
    public static class H2 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(Map.of("quarkus.datasource.db-kind", "h2",
                    "quarkus.datasource.username", "sa",
                    "quarkus.datasource.jdbc.url", "jdbc:h2:mem:fuzz;DB_CLOSE_DELAY=-1"));
            config.putAll(QUIET);
            return config;
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }
}

package io.mptrec.registry.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A real PostgreSQL for the tests: the local server on 127.0.0.1:5432 (trust auth, as on the project's CI) with a
 * fresh database {@code registry_test_<pid>} (dropped at the end), or, when none answers, an embedded one (zonky binaries, no Docker).
 * Set {@code MPTREC_TEST_PG=embedded} to force the embedded server. Shared with governance-ui's tests through this
 * module's test-jar (the package {@code io.mptrec.registry.testing} is all that jar holds).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static final String LOCAL = "jdbc:postgresql://127.0.0.1:5432/";
    /** One database per test JVM: worktrees and CI jobs on one machine share the server, never a database. */
    private static final String DATABASE = "registry_test_" + ProcessHandle.current().pid();

    private EmbeddedPostgres embedded;

    @Override
    public Map<String, String> start() {
        if (!"embedded".equals(System.getenv("MPTREC_TEST_PG")) && recreateLocalDatabase()) {
            return Map.of("quarkus.datasource.jdbc.url", LOCAL + DATABASE,
                    "quarkus.datasource.username", "postgres");
        }
        try {
            embedded = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an embedded PostgreSQL", e);
        }
        return Map.of("quarkus.datasource.jdbc.url", embedded.getJdbcUrl("postgres", "postgres"),
                "quarkus.datasource.username", "postgres");
    }

    private boolean local;

    private boolean recreateLocalDatabase() {
        try (Connection c = DriverManager.getConnection(LOCAL + "test?connectTimeout=2", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DATABASE);
            local = true;
            return true;
        } catch (SQLException e) {
            System.err.println("local PostgreSQL not usable (" + e.getMessage() + "); starting an embedded one");
            return false;
        }
    }

    @Override
    public void stop() {
        if (local) {
            try (Connection c = DriverManager.getConnection(LOCAL + "test?connectTimeout=2", "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("could not drop " + DATABASE + ": " + e.getMessage());
            }
        }
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

package io.mptrec.governance;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A database made by an older release upgrades in place, on H2 (the embedded default) and on PostgreSQL: an experiment
 * stored at schema version 7, when it still read its task's name and its arms' version facts from the registry's
 * tables, keeps them after V8 copies them into its own rows, and the copies are then required.
 */
class SchemaUpgradeTests {

    /**
     * A file database, as the application uses: in memory, H2 failed to evaluate the check constraints once Flyway
     * had closed its connection.
     */
    @Test
    void shouldCopyAnExperimentsVersionFactsIntoItsOwnRowsOnH2(@TempDir Path dir) throws SQLException {
        upgradeAndCheck("jdbc:h2:file:" + dir.resolve("registry").toAbsolutePath() + ";WRITE_DELAY=0", "sa", "h2");
    }

    @Test
    void shouldCopyAnExperimentsVersionFactsIntoItsOwnRowsOnPostgresql() throws SQLException {
        PostgresResource postgres = new PostgresResource();
        Map<String, String> config = postgres.start();
        try {
            upgradeAndCheck(config.get("quarkus.datasource.jdbc.url"), config.get("quarkus.datasource.username"),
                    "postgresql");
        } finally {
            postgres.stop();
        }
    }

    private static void upgradeAndCheck(String url, String user, String dbKind) throws SQLException {
        migrate(url, user, dbKind, "7");
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            long encoder = insert(c, "INSERT INTO encoder (content_sha256, manifest, artifact, registered_by, "
                    + "registered_at) VALUES ('e1', '{}', ?, 'alice', CURRENT_TIMESTAMP)", (Object) new byte[] {0});
            long task = insert(c, "INSERT INTO task (encoder_id, name, created_at, updated_at, row_version) VALUES ("
                    + encoder + ", 'income', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)");
            long v1 = version(c, task, 1, "c1");
            long v2 = version(c, task, 2, "c2");
            long experiment = insert(c, "INSERT INTO experiment (name, task_id, salt, hash_version, status, ramp, "
                    + "alpha, planned_per_arm, created_by, created_at, row_version) VALUES ('old', " + task
                    + ", 'old', 1, 'DRAFT', 1.0, 0.05, 1000, 'erin', CURRENT_TIMESTAMP, 0)");
            arm(c, experiment, 0, "control", v1);
            arm(c, experiment, 1, "treatment", v2);
        }

        migrate(url, user, dbKind, "latest");

        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT task_name FROM experiment WHERE name = 'old'")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("income");
            }
            List<String> arms = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT name, version_number, content_sha256, encoder_sha256 "
                    + "FROM experiment_arm ORDER BY position")) {
                while (r.next()) {
                    arms.add(r.getString(1) + " v" + r.getInt(2) + " " + r.getString(3) + " " + r.getString(4));
                }
            }
            assertThat(arms).containsExactly("control v1 c1 e1", "treatment v2 c2 e1");
            // the copies are required from now on: an arm without them is refused by the database
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO experiment_arm (experiment_id, position, name, "
                    + "prompt_version_id, weight) SELECT id, 2, 'third', (SELECT MIN(id) FROM prompt_version), 0.1 "
                    + "FROM experiment")).isInstanceOf(SQLException.class);
        }
    }

    /** As the application migrates (quarkus.flyway.locations): db/migration, then the database's own folder. */
    private static void migrate(String url, String user, String dbKind, String target) {
        Flyway.configure().dataSource(url, user, "")
                .locations("classpath:db/migration", "classpath:db/migration-" + dbKind).target(target).load().migrate();
    }

    private static long version(Connection c, long task, int number, String content) throws SQLException {
        return insert(c, "INSERT INTO prompt_version (task_id, number, content_sha256, encoder_sha256, status, author, "
                + "created_at, manifest, artifact, row_version) VALUES (?, ?, ?, 'e1', ?, 'alice', CURRENT_TIMESTAMP, "
                + "'{}', ?, 0)", task, number, content, "APPROVED", new byte[] {0});
    }

    private static void arm(Connection c, long experiment, int position, String name, long version)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO experiment_arm (experiment_id, position, name, prompt_version_id, weight) "
                    + "VALUES (" + experiment + ", " + position + ", '" + name + "', " + version + ", 0.5)");
        }
    }

    private static long insert(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql, new String[] {"id"})) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }
}

package io.mptrec.governance.fuzz;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a refused request must leave as it was: the row count of every table that holds what the platform decided or
 * recorded, and the optimistic-lock counters of the rows that change in place (a task's production pointer, a
 * version's status, an experiment's status and ramp) and the versions labels point at.
 */
final class Tables {

    static final List<String> COUNTED = List.of("encoder", "task", "prompt_version", "label", "approval", "audit_log",
            "experiment", "experiment_arm", "experiment_metric", "exposure", "kpi_event", "contribution_report",
            "experiment_covariate");

    private static final String QUERY = "SELECT "
            + COUNTED.stream().map(t -> "(SELECT COUNT(*) FROM " + t + ")").collect(Collectors.joining(", "))
            + ", (SELECT COALESCE(SUM(row_version), 0) FROM task)"
            + ", (SELECT COALESCE(SUM(row_version), 0) FROM prompt_version)"
            + ", (SELECT COALESCE(SUM(row_version), 0) FROM experiment)"
            + ", (SELECT COALESCE(SUM(prompt_version_id), 0) FROM label)";

    private static final List<String> COLUMNS = java.util.stream.Stream.concat(COUNTED.stream(),
            java.util.stream.Stream.of("task.row_version", "prompt_version.row_version", "experiment.row_version",
                    "label.prompt_version_id")).toList();

    private final DataSource dataSource;

    Tables(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    record Snapshot(Map<String, Long> values) {
        /** What changed between this snapshot and a later one, e.g. "audit_log +1"; empty when nothing did. */
        String changesTo(Snapshot later) {
            return values.entrySet().stream()
                    .filter(e -> !Objects.equals(e.getValue(), later.values.get(e.getKey())))
                    .map(e -> e.getKey() + " " + signed(later.values.get(e.getKey()) - e.getValue()))
                    .collect(Collectors.joining(", "));
        }

        private static String signed(long delta) {
            return delta > 0 ? "+" + delta : String.valueOf(delta);
        }
    }

    Snapshot snapshot() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(QUERY)) {
            r.next();
            Map<String, Long> values = new LinkedHashMap<>();
            for (int i = 0; i < COLUMNS.size(); i++) {
                values.put(COLUMNS.get(i), r.getLong(i + 1));
            }
            return new Snapshot(values);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the tables' row counts", e);
        }
    }
}

package io.mptrec.governance.ui;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Outcomes written straight into the exposure and KPI tables, so a test gets a verdict (SHIP for a clear winner)
 * without scoring hundreds of requests: the results read these rows as they read served traffic.
 */
final class ExperimentTraffic {

    private ExperimentTraffic() {
    }

    /** {@code units} exposures of one arm, one unit each, the first {@code conversions} with a conversion event. */
    static void conversions(DataSource dataSource, String task, long experiment, String arm, int units, int conversions)
            throws SQLException {
        Instant start = Instant.now().minusSeconds(600);
        try (Connection c = dataSource.getConnection();
             PreparedStatement exposure = c.prepareStatement("INSERT INTO exposure (request_id, task_id, "
                     + "experiment_id, arm, unit_id, prompt_version_id, scored_at, candidates, score_first, "
                     + "score_mean, score_max) "
                     + "SELECT ?, t.id, ?, ?, ?, a.prompt_version_id, ?, 1, 0.5, 0.5, 0.5 FROM task t "
                     + "JOIN experiment_arm a ON a.experiment_id = ? AND a.name = ? WHERE t.name = ?");
             PreparedStatement event = c.prepareStatement("INSERT INTO kpi_event (event_id, request_id, metric, "
                     + "metric_value, received_at) VALUES (?, ?, 'conversion', 1, ?)")) {
            for (int u = 0; u < units; u++) {
                // request ids are unique across the database, which every test class of a run shares
                String request = "traffic-" + experiment + "-" + arm + "-" + u;
                exposure.setString(1, request);
                exposure.setLong(2, experiment);
                exposure.setString(3, arm);
                exposure.setString(4, arm + "-unit-" + u);
                exposure.setTimestamp(5, Timestamp.from(start.plusSeconds(u)));
                exposure.setLong(6, experiment);
                exposure.setString(7, arm);
                exposure.setString(8, task);
                exposure.addBatch();
                if (u < conversions) {
                    event.setString(1, request + "-conversion");
                    event.setString(2, request);
                    event.setTimestamp(3, Timestamp.from(start.plusSeconds(u + 5)));
                    event.addBatch();
                }
            }
            exposure.executeBatch();
            event.executeBatch();
        }
    }
}

package io.mptrec.governance.ui;

import static io.mptrec.governance.Api.as;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;
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

    /**
     * A started experiment of the task, named as the task, with the success metric {@code conversion}: arm
     * {@code control} serves {@code control}'s version and {@code arm} {@code version}, 300 units each, converting 10 %
     * and 60 %, so that {@code arm} ships. Returns its id.
     */
    static long shipping(DataSource dataSource, String task, int control, String arm, int version)
            throws SQLException {
        long id = as("erin").contentType("application/json").body(Map.of("name", task, "task", task,
                        "arms", List.of(Map.of("name", "control", "version", control, "weight", 0.5),
                                Map.of("name", arm, "version", version, "weight", 0.5)),
                        "successMetrics", List.of(Map.of("name", "conversion", "kind", "PROPORTION",
                                "direction", "HIGHER_IS_BETTER"))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/start")
                .then().statusCode(200);
        conversions(dataSource, task, id, "control", 300, 30);
        conversions(dataSource, task, id, arm, 300, 180);
        return id;
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

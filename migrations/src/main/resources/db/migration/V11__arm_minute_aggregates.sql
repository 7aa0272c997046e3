-- The Kafka path's time series, version 11 of the schema: the per-arm changes of V10, per minute in which they
-- happened (epoch_minute: minutes since the epoch; MINUTE is a keyword of H2), so that the time series reads as many
-- rows as arms x metrics x minutes, whatever the number of units and events. A batch's change to a unit is dated by
-- the latest record it applied to that unit (an exposure at its scoring, an event at its arrival or its exposure's
-- scoring, whichever is later); the running sums over the minutes end at the sums of V10. PostgreSQL only, like V10.
CREATE TABLE arm_minute_aggregate (
    experiment_id BIGINT      NOT NULL,
    arm           VARCHAR(64) NOT NULL,
    epoch_minute  BIGINT      NOT NULL,
    units         BIGINT      NOT NULL,
    sum_n         NUMERIC     NOT NULL,
    sum_n2        NUMERIC     NOT NULL,
    CONSTRAINT pk_arm_minute_aggregate PRIMARY KEY (experiment_id, arm, epoch_minute),
    CONSTRAINT fk_arm_minute_aggregate_experiment FOREIGN KEY (experiment_id) REFERENCES experiment (id)
);

CREATE TABLE arm_metric_minute_aggregate (
    experiment_id BIGINT      NOT NULL,
    arm           VARCHAR(64) NOT NULL,
    metric        VARCHAR(64) NOT NULL,
    epoch_minute  BIGINT      NOT NULL,
    positives     BIGINT      NOT NULL,
    sum_y         NUMERIC     NOT NULL,
    sum_y2        NUMERIC     NOT NULL,
    sum_yn        NUMERIC     NOT NULL,
    CONSTRAINT pk_arm_metric_minute_aggregate PRIMARY KEY (experiment_id, metric, arm, epoch_minute),
    CONSTRAINT fk_arm_metric_minute_aggregate_experiment FOREIGN KEY (experiment_id) REFERENCES experiment (id)
);

-- The Kafka event pipeline's read model, version 9 of the schema (same dialect rules as V1: H2 2.x and PostgreSQL 14+).
-- With mptrec.ab.events.transport=kafka, the aggregator folds the event topic into these per-unit sums; results and
-- guardrails read them, so their cost grows with units x metrics, not with exposures and events. The direct path
-- (the embedded default) does not use them.

-- Per unit and arm of an experiment: its exposures. A unit with rows in two arms is left out when read, as today.
CREATE TABLE unit_aggregate (
    experiment_id BIGINT       NOT NULL,
    unit_id       VARCHAR(200) NOT NULL,
    arm           VARCHAR(64)  NOT NULL,
    exposures     BIGINT       NOT NULL,
    CONSTRAINT pk_unit_aggregate PRIMARY KEY (experiment_id, unit_id, arm),
    CONSTRAINT fk_unit_aggregate_experiment FOREIGN KEY (experiment_id) REFERENCES experiment (id)
);

-- Per unit, arm and metric: the total of the metric's KPI events joined to the unit's exposures by request id.
CREATE TABLE unit_metric_aggregate (
    experiment_id BIGINT           NOT NULL,
    unit_id       VARCHAR(200)     NOT NULL,
    arm           VARCHAR(64)      NOT NULL,
    metric        VARCHAR(64)      NOT NULL,
    total         DOUBLE PRECISION NOT NULL,
    CONSTRAINT pk_unit_metric_aggregate PRIMARY KEY (experiment_id, unit_id, arm, metric),
    CONSTRAINT fk_unit_metric_aggregate_experiment FOREIGN KEY (experiment_id) REFERENCES experiment (id)
);
CREATE INDEX ix_unit_metric_aggregate_metric ON unit_metric_aggregate (experiment_id, metric);

-- Where the aggregates stand in each partition of the topic: the next offset to apply, moved in the same transaction
-- as the sums it covers (exactly-once effect). applied_until: the records the partition got before this time are
-- applied (the last applied record's time, or the moment the partition was seen with nothing left); the oldest over
-- the partitions says how fresh the results are.
CREATE TABLE event_offset (
    consumer_group VARCHAR(100)             NOT NULL,
    topic          VARCHAR(249)             NOT NULL,
    partition_id   INTEGER                  NOT NULL,
    next_offset    BIGINT                   NOT NULL,
    applied_until  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_event_offset PRIMARY KEY (consumer_group, topic, partition_id)
);

-- Online model quality reads an arm's newest exposures first: the arm's index gains the id, so that this is an index
-- scan of the pairs read, not a sort of every exposure of the arm.
DROP INDEX ix_exposure_experiment_arm;
CREATE INDEX ix_exposure_experiment_arm ON exposure (experiment_id, arm, id);

-- Per-arm sums of the Kafka path, version 10 of the schema. The aggregator keeps them in the transaction that changes
-- the per-unit sums (V9) they are made of, so that results read as many rows as arms x metrics (plus score bins for
-- model quality), whatever the number of units and events. Only the aggregator writes them, and it runs on
-- PostgreSQL only; the sums are NUMERIC there (exact, so that what one batch adds and a later one takes back cancels
-- and nothing drifts however long an experiment runs). H2 creates the tables and never uses them.

-- Per experiment: its units seen in more than one arm (left out of every arm's sums). Its row is also what an
-- aggregator locks before it changes the experiment's sums.
CREATE TABLE experiment_aggregate (
    experiment_id BIGINT NOT NULL,
    mixed_units   BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT pk_experiment_aggregate PRIMARY KEY (experiment_id),
    CONSTRAINT fk_experiment_aggregate_experiment FOREIGN KEY (experiment_id) REFERENCES experiment (id)
);

-- Per arm, over its units seen in that arm only: how many, and the sums of their exposures N and of N^2.
CREATE TABLE arm_aggregate (
    experiment_id BIGINT      NOT NULL,
    arm           VARCHAR(64) NOT NULL,
    units         BIGINT      NOT NULL,
    sum_n         NUMERIC     NOT NULL,
    sum_n2        NUMERIC     NOT NULL,
    CONSTRAINT pk_arm_aggregate PRIMARY KEY (experiment_id, arm),
    CONSTRAINT fk_arm_aggregate_experiment FOREIGN KEY (experiment_id) REFERENCES experiment (id)
);

-- Per arm and metric, over the same units: those whose total Y is > 0, and the sums of Y, Y^2 and Y N. A unit with
-- no event of the metric has Y = 0 and adds nothing here (its N is in arm_aggregate).
CREATE TABLE arm_metric_aggregate (
    experiment_id BIGINT      NOT NULL,
    arm           VARCHAR(64) NOT NULL,
    metric        VARCHAR(64) NOT NULL,
    positives     BIGINT      NOT NULL,
    sum_y         NUMERIC     NOT NULL,
    sum_y2        NUMERIC     NOT NULL,
    sum_yn        NUMERIC     NOT NULL,
    CONSTRAINT pk_arm_metric_aggregate PRIMARY KEY (experiment_id, arm, metric),
    CONSTRAINT fk_arm_metric_aggregate_experiment FOREIGN KEY (experiment_id) REFERENCES experiment (id)
);

-- Online model quality per arm, per exposure (as on the direct path) in bins of the first candidate's score p:
-- the exposures and the sum of -ln(1 - p) over them (their log loss were every outcome negative) ...
CREATE TABLE score_bin_aggregate (
    experiment_id BIGINT      NOT NULL,
    arm           VARCHAR(64) NOT NULL,
    bin           INTEGER     NOT NULL,
    exposures     BIGINT      NOT NULL,
    sum_loss_if_negative NUMERIC NOT NULL,
    CONSTRAINT pk_score_bin_aggregate PRIMARY KEY (experiment_id, arm, bin),
    CONSTRAINT fk_score_bin_aggregate_experiment FOREIGN KEY (experiment_id) REFERENCES experiment (id)
);

-- ... and per metric the exposures whose request's total of the metric is > 0, with the sum of ln(1 - p) - ln(p)
-- over them (what being positive changes in their log loss).
CREATE TABLE score_bin_metric_aggregate (
    experiment_id BIGINT      NOT NULL,
    arm           VARCHAR(64) NOT NULL,
    metric        VARCHAR(64) NOT NULL,
    bin           INTEGER     NOT NULL,
    positives     BIGINT      NOT NULL,
    sum_loss_change_if_positive NUMERIC NOT NULL,
    CONSTRAINT pk_score_bin_metric_aggregate PRIMARY KEY (experiment_id, arm, metric, bin),
    CONSTRAINT fk_score_bin_metric_aggregate_experiment FOREIGN KEY (experiment_id) REFERENCES experiment (id)
);

-- Per request exposed in an experiment and metric: the total of its KPI events, in the order they were applied; its
-- sign is the exposure's outcome. A batch reads the totals of the requests it touches, not their events, so a
-- request with many events costs no more per batch than one with a few.
CREATE TABLE request_outcome (
    request_id VARCHAR(100)     NOT NULL,
    metric     VARCHAR(64)      NOT NULL,
    total      DOUBLE PRECISION NOT NULL,
    CONSTRAINT pk_request_outcome PRIMARY KEY (request_id, metric)
);

-- RATIO metrics, version 6 of the schema (same dialect rules as V1: H2 2.x and PostgreSQL 14+).
-- A RATIO metric is the sum over units of a metric's totals divided by the sum of the units' exposures (e.g. clicks
-- per impression), analysed per unit with the delta method; nothing else is stored for it.
ALTER TABLE experiment_metric DROP CONSTRAINT ck_metric_kind;
ALTER TABLE experiment_metric ADD CONSTRAINT ck_metric_kind CHECK (kind IN ('PROPORTION', 'MEAN', 'RATIO'));

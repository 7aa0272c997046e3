-- The A/B module keeps the facts of the versions it routes to, version 8 of the schema (same dialect rules as V1:
-- H2 2.x and PostgreSQL 14+). A version's task, number and hashes never change once stored, so the experiment copies
-- them at creation from the registry's published interface and no longer reads the registry's tables; the foreign
-- keys to task and prompt_version stay, so a copy cannot point at a version that does not exist.
ALTER TABLE experiment ADD COLUMN task_name VARCHAR(64);
UPDATE experiment SET task_name = (SELECT t.name FROM task t WHERE t.id = experiment.task_id);
ALTER TABLE experiment ALTER COLUMN task_name SET NOT NULL;

ALTER TABLE experiment_arm ADD COLUMN version_number INTEGER;
ALTER TABLE experiment_arm ADD COLUMN content_sha256 VARCHAR(64);
ALTER TABLE experiment_arm ADD COLUMN encoder_sha256 VARCHAR(64);
UPDATE experiment_arm SET
    version_number = (SELECT v.number FROM prompt_version v WHERE v.id = experiment_arm.prompt_version_id),
    content_sha256 = (SELECT v.content_sha256 FROM prompt_version v WHERE v.id = experiment_arm.prompt_version_id),
    encoder_sha256 = (SELECT v.encoder_sha256 FROM prompt_version v WHERE v.id = experiment_arm.prompt_version_id);
ALTER TABLE experiment_arm ALTER COLUMN version_number SET NOT NULL;
ALTER TABLE experiment_arm ALTER COLUMN content_sha256 SET NOT NULL;
ALTER TABLE experiment_arm ALTER COLUMN encoder_sha256 SET NOT NULL;

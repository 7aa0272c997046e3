-- Live traffic only to reviewed versions, version 7 of the schema (same dialect rules as V1: H2 2.x and PostgreSQL 14+).
-- An experiment routes live traffic only when the registry allows every arm's version to take it, unless an admin
-- started (or resumed, or widened) it anyway with a reason: that admin bypass is audited and remembered here until
-- the next start, resume or pause, or until a served version is withdrawn (rejected, retired, rolled back).
ALTER TABLE experiment ADD COLUMN live_traffic_bypass BOOLEAN DEFAULT FALSE NOT NULL;

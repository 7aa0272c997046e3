-- H2 only (the embedded default; PostgreSQL reads db/migration alone): the identity columns of the two tables that
-- take a row per request or event hand out 1000 values from memory instead of H2's default 32. H2 stores a
-- sequence's new limit and commits it each time its cache runs out; with WRITE_DELAY=0 each such commit writes a
-- chunk to the file (ab-testing/BENCHMARK.md: KPI ingestion 1.5 times faster, the file less than half as large).
-- H2's cache is one per database, so ids stay in insert order; a killed process leaves a gap of at most 1000.
-- PostgreSQL keeps its cache of 1: there each session would cache values of its own, and ids would no longer
-- follow insert order.
ALTER TABLE exposure ALTER COLUMN id SET CACHE 1000;
ALTER TABLE kpi_event ALTER COLUMN id SET CACHE 1000;

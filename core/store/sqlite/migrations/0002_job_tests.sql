-- Each job's tests: one entry per test identity with its worst status over the job's
-- occurrences (failed > error > skipped > passed), whether any occurrence was marked
-- flaky, and the position (results.id - jobs.first_result) of the occurrence that decided
-- the status. Entries are sorted by test key and packed into chunks of up to 1024, so
-- that two jobs compare by a merge of two sorted streams and one test's state in a job
-- is one primary-key lookup and one small decode. The writer builds them at import,
-- which keeps the results table free of a secondary index.
CREATE TABLE job_tests (
    job_id    INTEGER NOT NULL,
    first_key INTEGER NOT NULL, -- key of the chunk's first entry
    entries   INTEGER NOT NULL,
    data      BLOB    NOT NULL, -- per entry: uvarint(key - previous key), uvarint(seq << 3 | flaky << 2 | status)
    PRIMARY KEY (job_id, first_key)
) WITHOUT ROWID;

-- The number of distinct tests of a job, and what changed against its base, kept for the
-- trend. base_job is the job those counts compare with; when it is no longer the job's
-- base (a job imported in between, or replaced) the counts are stale and recomputed.
ALTER TABLE jobs ADD COLUMN identities INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN base_job INTEGER;
ALTER TABLE jobs ADD COLUMN regressions INTEGER;
ALTER TABLE jobs ADD COLUMN fixed INTEGER;

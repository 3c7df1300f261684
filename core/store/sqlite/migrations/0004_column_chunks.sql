-- Results, test names and test states as compressed column chunks (see the package
-- core/store/chunk): a result costs a few bytes in a chunk instead of a row. The
-- rows of the earlier layout are moved into chunks by the Go step of this migration
-- (migrate_chunks.go), which then drops the old tables.

-- The names of each class's tests in blocks of 1024: a test's key is its class id << 32
-- | its ordinal in the class, given in the order tests are first seen.
CREATE TABLE test_names (
    class_id INTEGER NOT NULL, -- classes.id
    first    INTEGER NOT NULL, -- ordinal of the block's first name, a multiple of 1024
    names    INTEGER NOT NULL,
    data     BLOB    NOT NULL, -- zstd: per name uvarint(length), bytes
    PRIMARY KEY (class_id, first)
) WITHOUT ROWID;

-- A job's results in report order, in chunks of 4096: test keys, statuses, flaky marks,
-- durations and text keys, each a column (see core/store/chunk), zstd-compressed. A result is
-- named by its position in the job.
CREATE TABLE result_chunks (
    job_id  INTEGER NOT NULL, -- jobs.id
    first   INTEGER NOT NULL, -- position of the chunk's first result
    results INTEGER NOT NULL,
    data    BLOB    NOT NULL,
    PRIMARY KEY (job_id, first)
) WITHOUT ROWID;

-- Each job's tests (one entry per identity, see 0002) as before, with positions coded
-- as distances and every chunk zstd-compressed.
CREATE TABLE job_states (
    job_id    INTEGER NOT NULL,
    first_key INTEGER NOT NULL,
    entries   INTEGER NOT NULL,
    data      BLOB    NOT NULL,
    PRIMARY KEY (job_id, first_key)
) WITHOUT ROWID;

-- Releases contain modules; modules contain jobs (one imported build each).
CREATE TABLE releases (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE modules (
    id         INTEGER PRIMARY KEY,
    release_id INTEGER NOT NULL REFERENCES releases (id),
    name       TEXT NOT NULL,
    UNIQUE (release_id, name)
);

-- A job's counts and its import's statistics are written in the same transaction as
-- its results: a job row exists only for a committed import.
CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY,
    module_id        INTEGER NOT NULL REFERENCES modules (id),
    number           INTEGER NOT NULL,
    tests            INTEGER NOT NULL DEFAULT 0,
    passed           INTEGER NOT NULL DEFAULT 0,
    failed           INTEGER NOT NULL DEFAULT 0,
    errors           INTEGER NOT NULL DEFAULT 0,
    skipped          INTEGER NOT NULL DEFAULT 0,
    flaky            INTEGER NOT NULL DEFAULT 0,
    duration_seconds REAL    NOT NULL DEFAULT 0,
    imported_at      TEXT    NOT NULL, -- RFC 3339, UTC
    source           TEXT    NOT NULL DEFAULT '',
    files            INTEGER NOT NULL DEFAULT 0,
    bytes            INTEGER NOT NULL DEFAULT 0,
    wait_seconds     REAL    NOT NULL DEFAULT 0,
    decode_seconds   REAL    NOT NULL DEFAULT 0,
    write_seconds    REAL    NOT NULL DEFAULT 0,
    commit_seconds   REAL    NOT NULL DEFAULT 0,
    import_seconds   REAL    NOT NULL DEFAULT 0,
    first_result     INTEGER NOT NULL DEFAULT 0, -- results.id range of the job
    last_result      INTEGER NOT NULL DEFAULT -1,
    peak_rss_bytes   INTEGER NOT NULL DEFAULT 0,
    peak_heap_bytes  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (module_id, number)
);

-- Test classes (the class part of a test's identity), stored once. key is a hash of the
-- name, for lookups; ids are given in the order classes are first seen.
CREATE TABLE classes (
    id   INTEGER PRIMARY KEY,
    key  INTEGER NOT NULL UNIQUE,
    name TEXT    NOT NULL
);

-- Test identities, stored once: (class, name). The key is the class id in the high 31
-- bits and a hash of the name in the low 32 (key >> 32 is the class), so a class's tests
-- are neighbours and the tests of a new class are appended at the end of the table.
-- Results refer to tests by key. A hash collision (another name under the key) is found
-- by the writer, which then probes the following keys of the same class.
CREATE TABLE tests (
    key  INTEGER PRIMARY KEY,
    name TEXT    NOT NULL
);

-- Distinct texts (messages, failure types, stack traces, captured output), stored once
-- and keyed by hash like tests.
CREATE TABLE texts (
    id   INTEGER PRIMARY KEY,
    key  INTEGER NOT NULL UNIQUE,
    body TEXT    NOT NULL
);

-- One row per occurrence of a test in a job, in report order. A job's results are the
-- id range jobs.first_result..jobs.last_result: an import appends them in one
-- transaction, so the range is contiguous and the table's B-tree only grows at its end.
-- status, flaky and duration are packed into one integer, which halves what an import
-- binds and allocates per result; the generated columns read them back.
CREATE TABLE results (
    id       INTEGER PRIMARY KEY,
    test_key INTEGER NOT NULL, -- tests.key
    packed   INTEGER NOT NULL, -- status | flaky << 2 | duration in microseconds << 3
    status   INTEGER AS (packed & 3),          -- core.Status: 0 passed, 1 skipped, 2 error, 3 failed
    flaky    INTEGER AS ((packed >> 2) & 1),
    duration REAL    AS ((packed >> 3) / 1e6)  -- seconds
);

-- The texts of the results that have any (most passed results have none): keys of texts.
CREATE TABLE result_texts (
    result_id INTEGER PRIMARY KEY, -- results.id
    message   INTEGER,
    type      INTEGER,
    details   INTEGER,
    out       INTEGER,
    err       INTEGER
);

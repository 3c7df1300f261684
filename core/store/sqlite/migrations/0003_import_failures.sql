-- Imports that failed or were cancelled, for diagnostics: the job they were for, where
-- the reports came from, and the error. Nothing else of such an import is kept.
CREATE TABLE import_failures (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL, -- RFC 3339, UTC
    job    TEXT NOT NULL, -- RELEASE/MODULE/NUMBER
    source TEXT NOT NULL,
    error  TEXT NOT NULL
);

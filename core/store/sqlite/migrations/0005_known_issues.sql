-- Known issues: a test (classname and name) or a failure signature in one module,
-- recorded with a reason, an optional link and expiry date, who and when. Kept by name,
-- not by test key, so that one can be recorded before the test is ever imported.
CREATE TABLE known_issues (
    id         INTEGER PRIMARY KEY,
    release    TEXT NOT NULL,
    module     TEXT NOT NULL,
    classname  TEXT,
    name       TEXT,
    signature  TEXT,
    reason     TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    expires    TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD, the last day it applies; '' never
    who        TEXT NOT NULL,
    created_at TEXT NOT NULL,             -- RFC 3339, UTC
    CHECK ((name IS NOT NULL) <> (signature IS NOT NULL))
);
CREATE INDEX known_issues_module ON known_issues (release, module);

-- The known issues that applied when a job's regressions count was kept (their ids);
-- when the set that applies now differs, the count is stale and computed again.
ALTER TABLE jobs ADD COLUMN known_set TEXT NOT NULL DEFAULT '';

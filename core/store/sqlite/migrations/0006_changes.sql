-- The source revision a job was built from, and the commits that entered with it
-- (newest first), written in the job's transaction. Per module, the git clone that
-- `import --repo` reads commits from, remembered for later imports.
ALTER TABLE jobs ADD COLUMN revision TEXT NOT NULL DEFAULT '';

CREATE TABLE job_commits (
    job_id  INTEGER NOT NULL, -- jobs.id
    seq     INTEGER NOT NULL, -- 0 is the newest
    id      TEXT    NOT NULL,
    author  TEXT    NOT NULL,
    time    TEXT    NOT NULL, -- RFC 3339
    message TEXT    NOT NULL,
    paths   TEXT    NOT NULL, -- one per line
    build   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

CREATE TABLE module_repos (
    release TEXT NOT NULL,
    module  TEXT NOT NULL,
    repo    TEXT NOT NULL,
    PRIMARY KEY (release, module)
);

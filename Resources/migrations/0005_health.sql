-- Health checks: one row per run, its lifecycle and (when Completed) the report.

CREATE TABLE health_runs (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    asset_id           TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    status             TEXT NOT NULL CHECK (status IN
                           ('Pending', 'Collecting', 'Generating Report', 'Completed', 'Failure', 'Cancelled', 'Timeout')),
    trigger            TEXT NOT NULL CHECK (trigger IN ('manual', 'schedule')),
    requested_by       TEXT REFERENCES users(id) ON DELETE SET NULL,
    command_id         TEXT,                     -- the snapshot command asked of the agent
    created_at         REAL NOT NULL,
    started_at         REAL,                     -- when collection was requested
    snapshot_watermark INTEGER,                  -- MAX(snapshots.id) then: only rows stored after it are fresh
    finished_at        REAL,                     -- when the run reached a final state
    deadline_at        REAL NOT NULL,            -- past it, a non-final run becomes Timeout
    message            TEXT,                     -- why it failed / timed out / was cancelled
    overall_score      REAL,
    result             TEXT,                     -- Healthy | Unhealthy (Completed runs)
    attention_count    INTEGER,
    critical_count     INTEGER,
    catalogue_version  INTEGER,
    report_json        TEXT                      -- HealthReport as HealthCoding JSON (Completed runs)
);
CREATE INDEX health_runs_asset ON health_runs(asset_id, created_at);
-- The runner loop looks for unfinished runs on every tick.
CREATE INDEX health_runs_open ON health_runs(status) WHERE status IN ('Pending', 'Collecting', 'Generating Report');

-- A snapshot command may ask for some tiers only (comma list; NULL = every tier).
ALTER TABLE commands ADD COLUMN tiers TEXT;

-- Hours between scheduled health checks of each asset; 0 = no scheduled checks.
ALTER TABLE organizations ADD COLUMN health_check_interval_hours INTEGER NOT NULL DEFAULT 24;

-- Series storage for the explorers: a dictionary of series per asset, raw points, and 1-minute
-- and 1-hour rollups maintained at ingest (so late, spooled batches land in their buckets too).
--
-- Counters (cumulative columns such as xact_commit or pg_stat_statements.calls) are turned
-- into increases at ingest: `value` is the per-second rate since the previous sample and
-- `increase` what the counter grew by (never negative: a counter that went backwards was reset
-- and restarted at zero). Gauges store the sample in `value` and NULL in `increase`.
-- The old series_points table held raw counter values keyed by text; it is replaced.

DROP TABLE series_points;

CREATE TABLE series (
    id        INTEGER PRIMARY KEY,
    asset_id  TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    metric    TEXT NOT NULL,               -- "<signal>.<column>" plus "{tag=value,...}" for tagged rows
    kind      TEXT NOT NULL CHECK (kind IN ('gauge', 'counter')),
    last_ts   REAL,                        -- counters: the previous raw sample, the base of the next increase
    last_raw  REAL,
    UNIQUE (asset_id, metric)
);

CREATE TABLE points_raw (
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    ts        REAL NOT NULL,
    value     REAL NOT NULL,
    increase  REAL,
    PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;

-- Rollups: ts is the bucket start; n samples, their sum/min/max, and the counters' summed increase.
CREATE TABLE points_minute (
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    ts        REAL NOT NULL,
    n         INTEGER NOT NULL,
    sum       REAL NOT NULL,
    min       REAL NOT NULL,
    max       REAL NOT NULL,
    increase  REAL,
    PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;

CREATE TABLE points_hour (
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    ts        REAL NOT NULL,
    n         INTEGER NOT NULL,
    sum       REAL NOT NULL,
    min       REAL NOT NULL,
    max       REAL NOT NULL,
    increase  REAL,
    PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;

-- Retention deletes snapshots by age.
CREATE INDEX snapshots_collected ON snapshots(collected_at);

-- Schema changes found by diffing consecutive schema snapshots at ingest (Schema Explorer).
CREATE TABLE schema_changes (
    id            INTEGER PRIMARY KEY,
    org_id        TEXT NOT NULL,
    asset_id      TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    detected_at   REAL NOT NULL,
    database_name TEXT,
    schema_name   TEXT,
    object_type   TEXT NOT NULL,
    object        TEXT NOT NULL,
    action        TEXT NOT NULL CHECK (action IN ('Added', 'Modified', 'Removed')),
    user_name     TEXT,
    description   TEXT NOT NULL,
    properties    TEXT NOT NULL            -- JSON [{property, old, new}]
);
CREATE INDEX schema_changes_asset ON schema_changes(asset_id, detected_at);

-- Query Explorer: one row per normalised statement (pg_stat_statements entry) and its counters'
-- increases per collection (raw) and per hour. Kept apart from `series` because a statement has
-- fourteen counters that are always read together: one row per sample instead of fourteen.
CREATE TABLE statements (
    id            INTEGER PRIMARY KEY,
    asset_id      TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    query_id      TEXT NOT NULL,
    database_name TEXT NOT NULL,
    user_name     TEXT NOT NULL,
    toplevel      TEXT NOT NULL,
    query         TEXT NOT NULL DEFAULT '',   -- normalised text, sent once per query id by the agent
    first_seen    REAL NOT NULL,
    last_seen     REAL NOT NULL,
    last_ts       REAL,                       -- the previous raw counters, base of the next increases
    last_counters TEXT,                       -- JSON array in StatementCounters order
    UNIQUE (asset_id, query_id, database_name, user_name, toplevel)
);

-- Increases of the counters over `seconds` ending at ts; min/max_time are the entry's lifetime
-- extremes as sampled (pg_stat_statements keeps no per-interval extremes).
CREATE TABLE statement_points (
    statement_id  INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    ts            REAL NOT NULL,
    seconds       REAL NOT NULL,
    calls REAL NOT NULL, total_time REAL NOT NULL, rows REAL NOT NULL,
    shared_hit REAL NOT NULL, shared_read REAL NOT NULL, shared_dirtied REAL NOT NULL, shared_written REAL NOT NULL,
    temp_read REAL NOT NULL, temp_written REAL NOT NULL, blk_read_time REAL NOT NULL, blk_write_time REAL NOT NULL,
    min_time REAL, max_time REAL,
    PRIMARY KEY (statement_id, ts)
) WITHOUT ROWID;
CREATE INDEX statement_points_ts ON statement_points(ts);

CREATE TABLE statement_hours (
    statement_id  INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    ts            REAL NOT NULL,
    seconds       REAL NOT NULL,
    calls REAL NOT NULL, total_time REAL NOT NULL, rows REAL NOT NULL,
    shared_hit REAL NOT NULL, shared_read REAL NOT NULL, shared_dirtied REAL NOT NULL, shared_written REAL NOT NULL,
    temp_read REAL NOT NULL, temp_written REAL NOT NULL, blk_read_time REAL NOT NULL, blk_write_time REAL NOT NULL,
    min_time REAL, max_time REAL,
    PRIMARY KEY (statement_id, ts)
) WITHOUT ROWID;
CREATE INDEX statement_hours_ts ON statement_hours(ts);

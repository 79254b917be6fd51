-- Assets (monitored instances), registration tokens, agents, commands and ingested data.

CREATE TABLE assets (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,             -- lowercased name: uniqueness ignores case
    engine           TEXT NOT NULL,
    environment      TEXT NOT NULL,
    owner_id         TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_by       TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at       REAL NOT NULL,
    updated_at       REAL NOT NULL,
    -- Reported by the agent; NULL until it does.
    agent_id         TEXT REFERENCES agents(id) ON DELETE SET NULL,
    target_name      TEXT,
    host             TEXT,
    port             INTEGER,
    version          TEXT,
    platform         TEXT,
    database_name    TEXT,
    last_seen_at     REAL,
    last_check_at    REAL,
    last_failure     TEXT,                      -- reason of the last failed collection, NULL when fine
    verified         INTEGER NOT NULL DEFAULT 0, -- a passing connection test since the last disconnect
    health_score     INTEGER,
    UNIQUE (org_id, name_key)
);
CREATE INDEX assets_org ON assets(org_id, name_key);
CREATE INDEX assets_agent ON assets(agent_id);

CREATE TABLE registration_tokens (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    asset_id    TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL,
    created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at  REAL NOT NULL,
    expires_at  REAL NOT NULL,
    used_at     REAL,
    revoked_at  REAL
);
CREATE INDEX registration_tokens_asset ON registration_tokens(asset_id);

CREATE TABLE agents (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    hostname       TEXT NOT NULL,
    version        TEXT NOT NULL,
    key_hash       TEXT NOT NULL,
    created_at     REAL NOT NULL,
    last_seen_at   REAL,
    revoked_at     REAL
);
CREATE INDEX agents_org ON agents(org_id);

-- Commands for agents (connection tests, snapshots); agents long-poll for them.
CREATE TABLE commands (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    asset_id      TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'passed', 'failed', 'timed_out')),
    requested_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at    REAL NOT NULL,
    sent_at       REAL,
    finished_at   REAL,
    result_json   TEXT,
    message       TEXT
);
CREATE INDEX commands_asset ON commands(asset_id, created_at);

-- Idempotency keys of accepted batches, written in the same transaction as the data.
CREATE TABLE ingest_keys (
    agent_id     TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    body_sha256  TEXT NOT NULL,
    received_at  REAL NOT NULL,
    PRIMARY KEY (agent_id, key)
) WITHOUT ROWID;

-- Latest and historical snapshots per asset and signal (rows as JSON, or unavailable + reason).
CREATE TABLE snapshots (
    id            INTEGER PRIMARY KEY,
    org_id        TEXT NOT NULL,
    asset_id      TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    signal        TEXT NOT NULL,
    tier          TEXT NOT NULL,
    collected_at  REAL NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('ok', 'unavailable')),
    reason        TEXT,
    message       TEXT,
    duration_ms   REAL NOT NULL,
    row_count     INTEGER NOT NULL,
    rows_json     TEXT
);
CREATE INDEX snapshots_asset_signal ON snapshots(asset_id, signal, collected_at);

-- Numeric series: one point per (asset, metric key, time). The metric key is
-- "<signal>.<column>" plus "{tag=value,...}" for the row's tag_ columns.
CREATE TABLE series_points (
    asset_id  TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    metric    TEXT NOT NULL,
    ts        REAL NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (asset_id, metric, ts)
) WITHOUT ROWID;

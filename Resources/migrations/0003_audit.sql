-- Audit log: one row per state-changing request, login and failed login.
-- Rows are hash-chained per organisation: hash = SHA-256(prev_hash || canonical(row)).
-- Failed logins for unknown users have no organisation: they chain under org_id ''.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    org_id       TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    at           REAL NOT NULL,
    user_id      TEXT,
    user_email   TEXT,
    role         TEXT,
    method       TEXT NOT NULL,
    route        TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity_type  TEXT,
    entity_id    TEXT,
    status       INTEGER NOT NULL,
    duration_ms  REAL NOT NULL,
    client_ip    TEXT,
    user_agent   TEXT,
    body         TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    UNIQUE (org_id, seq)
);
CREATE INDEX audit_org_time ON audit_log(org_id, at);

-- Retention deletes the oldest rows; the newest deleted row's hash is kept here so the
-- remaining chain still verifies from a known anchor.
CREATE TABLE audit_anchors (
    org_id     TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL
);

-- The newest entry per organisation, updated with every append: deleting entries from the end
-- of the chain is detected by comparing the chain's last entry with this head.
CREATE TABLE audit_heads (
    org_id     TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL
);

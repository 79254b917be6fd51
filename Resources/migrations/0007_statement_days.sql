-- Daily sums of statement increases (Query Explorer). A 30-day window over hourly rows reads
-- 720 rows per statement; over daily rows 30 (plus the hours and raw samples at its edges).
-- Days are UTC days; `ts` is the day's start. Maintained at ingest like statement_hours and
-- backfilled from it here. Kept as long as the hourly rows.
CREATE TABLE statement_days (
    statement_id  INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    ts            REAL NOT NULL,
    seconds       REAL NOT NULL,
    calls REAL NOT NULL, total_time REAL NOT NULL, rows REAL NOT NULL,
    shared_hit REAL NOT NULL, shared_read REAL NOT NULL, shared_dirtied REAL NOT NULL, shared_written REAL NOT NULL,
    temp_read REAL NOT NULL, temp_written REAL NOT NULL, blk_read_time REAL NOT NULL, blk_write_time REAL NOT NULL,
    min_time REAL, max_time REAL,
    PRIMARY KEY (statement_id, ts)
) WITHOUT ROWID;
CREATE INDEX statement_days_ts ON statement_days(ts);

INSERT INTO statement_days
SELECT statement_id, CAST(ts / 86400 AS INTEGER) * 86400.0 AS day, SUM(seconds),
       SUM(calls), SUM(total_time), SUM(rows), SUM(shared_hit), SUM(shared_read), SUM(shared_dirtied), SUM(shared_written),
       SUM(temp_read), SUM(temp_written), SUM(blk_read_time), SUM(blk_write_time), MIN(min_time), MAX(max_time)
FROM statement_hours GROUP BY statement_id, day;

-- Estimated table bloat for tables over 10 MB: the heap pages the table would need for its
-- row estimate and average row width (pg_stats), against the pages it has (the well-known
-- estimate PgHero and ioguix use; no table is read). When pg_stats hides a column (the user
-- lacks SELECT on it) or has no statistics, the estimate is NULL rather than wrong.
WITH tables AS (
    SELECT c.oid, n.nspname, c.relname, c.reltuples::numeric AS reltuples, c.relpages::numeric AS relpages,
           coalesce(t.relpages, 0)::numeric AS toast_pages, coalesce(t.reltuples, 0)::numeric AS toast_tuples,
           coalesce(substring(array_to_string(c.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::integer, 100) AS fillfactor
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
    WHERE c.relkind IN ('r', 'm')
      AND c.relpages::bigint * current_setting('block_size')::bigint > 10485760
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
    ORDER BY c.relpages DESC
    LIMIT 2000
), widths AS (
    SELECT t.oid,
           23 + CASE WHEN max(coalesce(s.null_frac, 0)) > 0 THEN (7 + count(*)) / 8 ELSE 0 END AS header_bytes,
           sum((1 - coalesce(s.null_frac, 0)::numeric) * coalesce(s.avg_width, 0)) AS data_bytes,
           count(s.attname) < count(*) OR bool_or(a.atttypid = 'pg_catalog.name'::regtype) AS not_estimable
    FROM tables t
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_stats s ON s.schemaname = t.nspname AND s.tablename = t.relname AND s.attname = a.attname AND NOT s.inherited
    GROUP BY t.oid
), estimates AS (
    SELECT t.*, w.not_estimable,
           current_setting('block_size')::numeric AS block_size,
           -- tuple size: line pointer + header + data, each aligned to 8 bytes
           4 + 8 * ceil(w.header_bytes / 8.0) + 8 * ceil(w.data_bytes / 8.0) AS tuple_bytes
    FROM tables t
    JOIN widths w ON w.oid = t.oid
), expected AS (
    SELECT e.*,
           ceil(e.reltuples / floor((e.block_size - 24) * e.fillfactor / (100 * e.tuple_bytes)))
             + ceil(e.toast_tuples / 4) AS expected_pages
    FROM estimates e
)
SELECT current_database() AS tag_database,
       x.nspname AS tag_schema,
       x.relname AS tag_table,
       ((x.relpages + x.toast_pages) * x.block_size)::bigint AS table_bytes,
       CASE WHEN x.not_estimable OR x.reltuples < 0 THEN NULL
            ELSE greatest(0, (x.relpages + x.toast_pages - x.expected_pages) * x.block_size)::bigint END AS bloat_bytes,
       CASE WHEN x.not_estimable OR x.reltuples < 0 THEN NULL
            ELSE round(greatest(0, 100.0 * (x.relpages + x.toast_pages - x.expected_pages) / nullif(x.relpages + x.toast_pages, 0)), 1) END AS bloat_pct,
       x.fillfactor
FROM expected x
ORDER BY x.nspname, x.relname

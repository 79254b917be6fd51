-- Estimated B-tree index bloat for indexes over 10 MB: the leaf pages the index would need
-- for its entries and the average key width (pg_stats) against the pages it has (the
-- well-known ioguix/PgHero estimate; no index is read). NULL when pg_stats hides a key column.
WITH indexes AS (
    SELECT i.indexrelid, i.indrelid, n.nspname, t.relname AS table_name, c.relname AS index_name,
           c.reltuples::numeric AS reltuples, c.relpages::numeric AS relpages, i.indkey::int2[] AS keys, i.indnatts,
           coalesce(substring(array_to_string(c.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::integer, 90) AS fillfactor
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = c.relam
    WHERE am.amname = 'btree'
      AND c.relpages::bigint * current_setting('block_size')::bigint > 10485760
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
    ORDER BY c.relpages DESC
    LIMIT 5000
), key_stats AS (
    -- expression keys (attnum 0) have their statistics under the index's own name
    SELECT x.indexrelid,
           max(coalesce(s.null_frac, 0)) AS max_null_frac,
           sum((1 - coalesce(s.null_frac, 0)::numeric) * coalesce(s.avg_width, 0)) AS data_bytes,
           count(s.attname) < count(*) AS not_estimable
    FROM indexes x
    CROSS JOIN LATERAL generate_series(1, x.indnatts) AS k(pos)
    LEFT JOIN pg_attribute a ON a.attrelid = CASE WHEN x.keys[k.pos - 1] = 0 THEN x.indexrelid ELSE x.indrelid END
                            AND a.attnum = CASE WHEN x.keys[k.pos - 1] = 0 THEN k.pos ELSE x.keys[k.pos - 1] END
    LEFT JOIN pg_stats s ON s.schemaname = x.nspname
                        AND s.tablename = CASE WHEN x.keys[k.pos - 1] = 0 THEN x.index_name ELSE x.table_name END
                        AND s.attname = a.attname
    GROUP BY x.indexrelid
), expected AS (
    SELECT x.*, k.not_estimable,
           current_setting('block_size')::numeric AS block_size,
           -- index tuple: 4-byte line pointer + 8-byte header (+ null bitmap) + aligned key data
           4 + CASE WHEN k.max_null_frac = 0 THEN 8 ELSE 16 END + 8 * ceil(k.data_bytes / 8.0) AS entry_bytes
    FROM indexes x
    JOIN key_stats k ON k.indexrelid = x.indexrelid
)
SELECT current_database() AS tag_database,
       e.nspname AS tag_schema,
       e.table_name AS tag_table,
       e.index_name AS tag_index,
       (e.relpages * e.block_size)::bigint AS index_bytes,
       CASE WHEN e.not_estimable OR e.reltuples < 0 THEN NULL
            ELSE greatest(0, (e.relpages - 1 - ceil(e.reltuples / floor((e.block_size - 40) * e.fillfactor / (100 * e.entry_bytes)))) * e.block_size)::bigint
       END AS bloat_bytes,
       CASE WHEN e.not_estimable OR e.reltuples < 0 THEN NULL
            ELSE round(greatest(0, 100.0 * (e.relpages - 1 - ceil(e.reltuples / floor((e.block_size - 40) * e.fillfactor / (100 * e.entry_bytes)))) / e.relpages), 1)
       END AS bloat_pct,
       e.fillfactor
FROM expected e
ORDER BY e.nspname, e.table_name, e.index_name

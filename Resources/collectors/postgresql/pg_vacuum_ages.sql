-- Transaction ID and multixact age per database: how close each is to wraparound
-- (PostgreSQL stops accepting writes near 2^31) and to autovacuum_freeze_max_age.
SELECT datname AS tag_database,
       age(datfrozenxid) AS frozenxid_age,
       mxid_age(datminmxid) AS minmxid_age,
       round(100.0 * age(datfrozenxid) / 2147483648, 2) AS wraparound_pct,
       round(100.0 * age(datfrozenxid) / current_setting('autovacuum_freeze_max_age')::numeric, 2) AS freeze_max_age_pct,
       current_setting('autovacuum_freeze_max_age')::bigint AS autovacuum_freeze_max_age
FROM pg_database
ORDER BY datname

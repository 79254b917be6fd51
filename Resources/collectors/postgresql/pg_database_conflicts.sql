-- Queries cancelled on a replica because of recovery conflicts, per database (zero on a primary).
SELECT datname AS tag_database,
       confl_tablespace,
       confl_lock,
       confl_snapshot,
       confl_bufferpin,
       confl_deadlock
FROM pg_stat_database_conflicts
ORDER BY datname

-- Prepared (two-phase) transactions: an orphaned one holds its locks and the xmin horizon
-- until someone commits or rolls it back, even across restarts.
SELECT gid AS tag_gid,
       database AS tag_database,
       owner,
       prepared,
       extract(epoch FROM now() - prepared) AS age_s,
       age(transaction) AS xid_age
FROM pg_prepared_xacts
ORDER BY prepared
LIMIT 1000

-- Extensions installed in this database, and whether a newer version is available.
SELECT current_database() AS tag_database,
       e.extname AS tag_extension,
       e.extversion AS installed_version,
       a.default_version,
       coalesce(a.default_version IS NOT NULL AND a.default_version <> e.extversion, false) AS update_available,
       n.nspname AS schema
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_available_extensions a ON a.name = e.extname
ORDER BY e.extname

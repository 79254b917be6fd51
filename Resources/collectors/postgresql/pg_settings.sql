-- Every server setting. Needs pg_read_all_settings: without it PostgreSQL silently leaves out
-- the superuser-only settings. Settings that can hold a password are masked here.
SELECT name,
       CASE WHEN name IN ('primary_conninfo', 'ssl_passphrase_command') AND setting <> '' THEN '********'
            ELSE setting END AS setting,
       unit,
       category,
       vartype,
       context,
       source,
       CASE WHEN name IN ('primary_conninfo', 'ssl_passphrase_command') AND boot_val <> '' THEN '********'
            ELSE boot_val END AS boot_val,
       CASE WHEN name IN ('primary_conninfo', 'ssl_passphrase_command') AND reset_val <> '' THEN '********'
            ELSE reset_val END AS reset_val,
       sourcefile,
       sourceline::text AS sourceline,
       pending_restart
FROM pg_settings
ORDER BY name

-- Functions and procedures of this database: signature, language, security definer and
-- volatility. Bodies are never read.
SELECT current_database() AS tag_database,
       n.nspname AS tag_schema,
       p.proname AS tag_function,
       pg_get_function_identity_arguments(p.oid) AS arguments,
       l.lanname AS language,
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END AS kind,
       p.prosecdef AS security_definer,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
       coalesce(array_to_string(p.proconfig, ',') LIKE '%search_path=%', false) AS sets_search_path,
       pg_get_userbyid(p.proowner) AS owner,
       (SELECT e.extname
        FROM pg_depend d
        JOIN pg_extension e ON e.oid = d.refobjid
        WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
          AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
        LIMIT 1) AS extension
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
ORDER BY n.nspname, p.proname, 4
LIMIT 10000

-- Explicit grants on tables, views, sequences, schemas and functions of this database
-- (objects with default privileges have no ACL and are not listed; the owner's own
-- privileges are left out).
WITH objects AS (
    SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                          WHEN 'f' THEN 'foreign table' ELSE 'table' END AS object_type,
           n.nspname AS schema_name,
           c.relname AS object_name,
           c.relacl AS acl,
           c.relowner AS owner
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relacl IS NOT NULL
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
    UNION ALL
    SELECT 'schema', n.nspname, n.nspname, n.nspacl, n.nspowner
    FROM pg_namespace n
    WHERE n.nspacl IS NOT NULL
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
           n.nspname,
           p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
           p.proacl,
           p.proowner
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.proacl IS NOT NULL
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
)
SELECT current_database() AS tag_database,
       o.schema_name AS tag_schema,
       o.object_name AS tag_object,
       o.object_type,
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
       pg_get_userbyid(a.grantor) AS grantor,
       a.privilege_type,
       a.is_grantable
FROM objects o
CROSS JOIN LATERAL aclexplode(o.acl) AS a
WHERE a.grantee <> o.owner
ORDER BY o.schema_name, o.object_name, 5, a.privilege_type
LIMIT 10000

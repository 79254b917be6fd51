-- Views and materialized views of this database (definitions are not sent).
SELECT current_database() AS tag_database,
       n.nspname AS tag_schema,
       c.relname AS tag_view,
       pg_get_userbyid(c.relowner) AS owner,
       c.relkind = 'm' AS materialized,
       c.relispopulated AS populated
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
ORDER BY n.nspname, c.relname
LIMIT 10000

-- Table constraints of this database with their definitions.
SELECT current_database() AS tag_database,
       n.nspname AS tag_schema,
       t.relname AS tag_table,
       con.conname AS tag_constraint,
       CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'f' THEN 'foreign key'
                        WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' WHEN 't' THEN 'trigger'
                        ELSE con.contype::text END AS constraint_type,
       pg_get_constraintdef(con.oid) AS definition,
       con.convalidated AS validated,
       con.condeferrable AS deferrable,
       CASE WHEN con.contype = 'f' THEN con.confrelid::regclass::text END AS references_table
FROM pg_constraint con
JOIN pg_class t ON t.oid = con.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
ORDER BY n.nspname, t.relname, con.conname
LIMIT 10000

-- Disabled triggers. A disabled internal trigger means a foreign key is no longer enforced
-- (ALTER TABLE ... DISABLE TRIGGER ALL).
SELECT current_database() AS tag_database,
       n.nspname AS tag_schema,
       c.relname AS tag_table,
       t.tgname AS tag_trigger,
       CASE WHEN t.tgisinternal OR t.tgconstraint <> 0 THEN 'constraint' ELSE 'user' END AS trigger_kind,
       CASE WHEN t.tgconstraint <> 0 THEN (SELECT con.conname FROM pg_constraint con WHERE con.oid = t.tgconstraint) END AS constraint_name
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE t.tgenabled = 'D'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
ORDER BY n.nspname, c.relname, t.tgname
LIMIT 5000

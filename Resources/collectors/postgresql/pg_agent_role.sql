-- The role the agent itself logs in as, and what it may do: a monitoring role should be a
-- dedicated login with pg_monitor, not a superuser or a role that owns or writes data.
SELECT current_user AS user_name,
       r.rolsuper AS is_superuser,
       r.rolcreaterole AS can_create_roles,
       r.rolcreatedb AS can_create_databases,
       r.rolbypassrls AS bypasses_rls,
       r.rolreplication AS can_replicate,
       pg_has_role(current_user, 'pg_monitor', 'USAGE') AS has_pg_monitor,
       (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p')) AS owned_tables
FROM pg_roles r
WHERE r.rolname = current_user

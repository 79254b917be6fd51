-- Security posture readable without superuser: privileged role counts and settings.
-- How passwords are hashed per role is only readable by a superuser (pg_password_types).
SELECT (SELECT count(*) FROM pg_roles WHERE rolsuper) AS superusers,
       (SELECT count(*) FROM pg_roles WHERE rolsuper AND rolcanlogin) AS login_superusers,
       (SELECT count(*) FROM pg_roles WHERE rolcreaterole AND NOT rolsuper) AS createrole_roles,
       (SELECT count(*) FROM pg_roles WHERE rolbypassrls AND NOT rolsuper) AS bypassrls_roles,
       (SELECT count(*) FROM pg_roles WHERE rolreplication AND NOT rolsuper) AS replication_roles,
       (SELECT count(*) FROM pg_roles WHERE rolcanlogin AND rolvaliduntil IS NULL) AS login_roles_without_expiry,
       current_setting('password_encryption') AS password_encryption,
       current_setting('ssl') AS ssl,
       current_setting('log_connections') AS log_connections,
       current_setting('log_disconnections') AS log_disconnections

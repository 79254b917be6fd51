-- How role passwords are hashed. pg_authid is readable by superusers only, so for a pg_monitor
-- user this signal is unavailable (permission). Only counts leave the server, never a hash.
SELECT count(*) FILTER (WHERE rolpassword LIKE 'SCRAM-SHA-256$%') AS scram_roles,
       count(*) FILTER (WHERE rolpassword LIKE 'md5%') AS md5_roles,
       count(*) FILTER (WHERE rolpassword IS NULL AND rolcanlogin) AS login_roles_without_password
FROM pg_authid

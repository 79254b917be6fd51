-- Server version, start time and role (primary or replica).
SELECT version() AS version,
       current_setting('server_version') AS server_version,
       current_setting('server_version_num')::integer AS server_version_num,
       pg_postmaster_start_time() AS start_time,
       extract(epoch FROM now() - pg_postmaster_start_time()) AS uptime_s,
       pg_is_in_recovery() AS in_recovery

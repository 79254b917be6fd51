-- pg_hba.conf as the server parsed it. Superuser-only in PostgreSQL 15 (a pg_monitor user gets
-- unavailable/permission). Only option names are sent: values such as radiussecrets are secrets.
SELECT line_number::text AS tag_line,
       type,
       array_to_string(database, ',') AS databases,
       array_to_string(user_name, ',') AS users,
       address,
       netmask,
       auth_method,
       array_to_string(ARRAY(SELECT split_part(o, '=', 1) FROM unnest(options) AS o), ',') AS option_names,
       error
FROM pg_hba_file_rules
ORDER BY line_number

-- How much of each sequence's range is used, in this database. last_value needs SELECT or
-- USAGE on the sequence, which pg_monitor does not grant: such sequences are listed with
-- readable = false instead of being left out.
SELECT current_database() AS tag_database,
       schemaname AS tag_schema,
       sequencename AS tag_sequence,
       data_type::text AS data_type,
       has_sequence_privilege(format('%I.%I', schemaname, sequencename), 'SELECT,USAGE') AS readable,
       last_value,
       min_value,
       max_value,
       increment_by,
       cycle,
       CASE WHEN last_value IS NULL THEN NULL
            WHEN increment_by > 0
                THEN round(100.0 * (last_value::numeric - min_value::numeric) / nullif(max_value::numeric - min_value::numeric, 0), 2)
            ELSE round(100.0 * (max_value::numeric - last_value::numeric) / nullif(max_value::numeric - min_value::numeric, 0), 2)
       END AS percent_used
FROM pg_sequences
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
ORDER BY percent_used DESC NULLS LAST, schemaname, sequencename
LIMIT 5000

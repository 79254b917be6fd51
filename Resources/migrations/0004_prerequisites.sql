-- A connection test can connect and still find a failed prerequisite (e.g. no pg_monitor):
-- kept apart from last_failure, which every collection overwrites, so the asset shows Issues
-- until a later connection test finds every prerequisite in place.
ALTER TABLE assets ADD COLUMN prerequisite_failure TEXT;

-- The captured tables (all of them, or the one named), with their changelog, topic and (two-way
-- sync) the name of this side and the columns that relate rows across sides, and its lock number.
-- (Read through to_jsonb, so that an install made before these columns existed reads as NULLs
-- until cdc setup runs again.)
SELECT table_schema, table_name, changelog_schema, changelog_name, topic,
       to_jsonb(c) ->> 'origin' AS origin, to_jsonb(c) ->> 'key_columns' AS key_columns,
       (to_jsonb(c) ->> 'lock_id')::integer AS lock_id
FROM cdc.capture c
WHERE (CAST(:schema AS text) IS NULL OR table_schema = :schema)
  AND (CAST(:table AS text) IS NULL OR table_name = :table)
ORDER BY table_schema, table_name

-- The captured tables (all of them, or the one named), with their changelog, topic and (two-way
-- sync) the name of this side and the columns that relate rows across sides.
SELECT table_schema, table_name, changelog_schema, changelog_name, topic, origin, key_columns::text
FROM cdc.capture
WHERE (CAST(:schema AS text) IS NULL OR table_schema = :schema)
  AND (CAST(:table AS text) IS NULL OR table_name = :table)
ORDER BY table_schema, table_name

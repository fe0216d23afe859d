-- The captures installed (all, or one table's), when cdc's bookkeeping is there.
SELECT table_schema, table_name, changelog_name, topic, origin, key_columns FROM cdc.capture
WHERE (:schema IS NULL OR table_schema = :schema) AND (:table IS NULL OR table_name = :table)
ORDER BY table_schema, table_name

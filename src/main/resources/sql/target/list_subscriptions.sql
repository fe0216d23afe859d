-- The topics consume applies, the tables each one feeds, and whether the table is consolidated
-- (read through to_jsonb: an install made before that column existed has none).
SELECT topic, table_schema, table_name, coalesce((to_jsonb(s) ->> 'consolidated')::boolean, false) AS consolidated
FROM cdc.subscriptions s
ORDER BY topic, table_schema, table_name

-- Every captured table's cursor (times in UTC: the session's zone).
SELECT table_schema, table_name, window_id, published, CURRENT_TIMESTAMP(6) AS now
FROM cdc.capture
ORDER BY table_schema, table_name

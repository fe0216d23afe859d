-- Records that a topic feeds a table (setup), so that consume finds every topic to apply.
INSERT INTO cdc.subscriptions (topic, table_schema, table_name)
VALUES (:topic, :schema, :table)
ON CONFLICT (topic) DO UPDATE SET table_schema = EXCLUDED.table_schema, table_name = EXCLUDED.table_name

-- Records that a topic feeds a table (setup), so that consume finds every topic to apply; a
-- consolidated table takes the rows of several sources, keyed by source name and key.
INSERT INTO cdc.subscriptions (topic, table_schema, table_name, consolidated)
VALUES (:topic, :schema, :table, :consolidated)
ON CONFLICT (topic) DO UPDATE SET table_schema = EXCLUDED.table_schema, table_name = EXCLUDED.table_name,
                                  consolidated = EXCLUDED.consolidated

-- Records that a topic feeds a table (setup), so that consume finds every topic to apply; a
-- consolidated table takes the rows of several sources, keyed by source name and key; with
-- versions, the topic is the other side of a two-way sync.
INSERT INTO cdc.subscriptions (topic, table_schema, table_name, consolidated, versions)
VALUES (:topic, :schema, :table, :consolidated, :versions)
ON CONFLICT (topic) DO UPDATE SET table_schema = EXCLUDED.table_schema, table_name = EXCLUDED.table_name,
                                  consolidated = EXCLUDED.consolidated, versions = EXCLUDED.versions

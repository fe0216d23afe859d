-- Records that a topic feeds a table (setup), so that consume finds every topic to apply; a topic
-- may feed several tables (setup --topic with many); a consolidated table takes the rows of several
-- sources, keyed by source name and key; with versions, the topic is the other side of a two-way
-- sync (its rows related by key_columns, its events naming the table other_table when not null).
INSERT INTO cdc.subscriptions (topic, table_schema, table_name, consolidated, versions, key_columns, other_table)
VALUES (:topic, :schema, :table, :consolidated, :versions, CAST(:key_columns AS json), :other_table)
ON CONFLICT (topic, table_schema, table_name)
DO UPDATE SET consolidated = EXCLUDED.consolidated, versions = EXCLUDED.versions, key_columns = EXCLUDED.key_columns,
              other_table = EXCLUDED.other_table

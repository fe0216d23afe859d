-- Records that a topic feeds a table.
INSERT INTO cdc.subscriptions (topic, table_schema, table_name, consolidated, versions, key_columns, other_table)
VALUES (:topic, :schema, :table, :consolidated, :versions, :key_columns, :other_table)
ON DUPLICATE KEY UPDATE consolidated = VALUES(consolidated), versions = VALUES(versions),
                        key_columns = VALUES(key_columns), other_table = VALUES(other_table)

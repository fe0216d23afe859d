INSERT IGNORE INTO cdc.capture (table_schema, table_name, changelog_name, epoch, topic)
VALUES (:schema, :table, :changelog, UUID(), :topic)

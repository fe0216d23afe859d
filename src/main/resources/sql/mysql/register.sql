INSERT IGNORE INTO cdc.capture (table_schema, table_name, changelog_name, epoch, gaps, topic)
VALUES (:schema, :table, :changelog, UUID(), '[]', :topic)

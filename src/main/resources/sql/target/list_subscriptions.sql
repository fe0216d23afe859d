-- The topics consume applies, and the table each one feeds.
SELECT topic, table_schema, table_name FROM cdc.subscriptions ORDER BY topic

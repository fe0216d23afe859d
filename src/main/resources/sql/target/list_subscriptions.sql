-- The topics consume applies, the table each one feeds, and whether that table is consolidated.
SELECT topic, table_schema, table_name, consolidated FROM cdc.subscriptions ORDER BY topic

-- Two-way sync: the table of versions, the columns rows are related by, and the table's name in the
-- other side's events when it differs, of the table a topic feeds.
SELECT versions, key_columns, other_table FROM cdc.subscriptions WHERE topic = :topic AND versions IS NOT NULL LIMIT 1

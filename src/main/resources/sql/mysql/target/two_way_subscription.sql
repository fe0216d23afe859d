-- Two-way sync: the table of versions and the columns rows are related by, of the table a topic feeds.
SELECT versions, key_columns FROM cdc.subscriptions WHERE topic = :topic AND versions IS NOT NULL LIMIT 1

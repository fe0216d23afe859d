-- The tables a topic feeds already, and how: consolidated, or the other side of a two-way sync.
SELECT table_schema, table_name, consolidated, to_jsonb(s) ->> 'versions' IS NOT NULL AS two_way
FROM cdc.subscriptions s
WHERE topic = :topic
ORDER BY table_schema, table_name

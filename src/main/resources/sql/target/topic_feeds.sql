-- The tables a topic feeds (:topic null: every topic's), and how: consolidated, or the other side of a
-- two-way sync. Read through to_jsonb, so that bookkeeping an older cdc installed reads too.
SELECT topic, table_schema, table_name, coalesce((to_jsonb(s) ->> 'consolidated')::boolean, false) AS consolidated,
       to_jsonb(s) ->> 'versions' IS NOT NULL AS two_way
FROM cdc.subscriptions s
WHERE topic = :topic OR CAST(:topic AS text) IS NULL
ORDER BY topic, table_schema, table_name

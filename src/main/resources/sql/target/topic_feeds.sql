-- The tables a topic feeds already, and how: consolidated, or the other side of a two-way sync (read
-- through to_jsonb: setup checks this before it upgrades an older install, which may lack them).
SELECT table_schema, table_name, coalesce((to_jsonb(s) ->> 'consolidated')::boolean, false) AS consolidated,
       to_jsonb(s) ->> 'versions' IS NOT NULL AS two_way
FROM cdc.subscriptions s
WHERE topic = :topic
ORDER BY table_schema, table_name

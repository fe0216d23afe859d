-- The tables a topic feeds (:topic null: every topic's), and how.
SELECT topic, table_schema, table_name, consolidated, versions IS NOT NULL AS two_way
FROM cdc.subscriptions
WHERE topic = :topic OR :topic IS NULL
ORDER BY topic, table_schema, table_name

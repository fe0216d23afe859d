-- The tables the events of a topic may write to: the one cdc setup recorded for the topic, or for a
-- topic it did not record (cdc consume --topic) those it recorded for any topic. An event that
-- names another table is refused: a topic is no way into the rest of the target database.
SELECT table_schema, table_name
FROM cdc.subscriptions
WHERE topic = :topic OR NOT EXISTS (SELECT FROM cdc.subscriptions WHERE topic = :topic)

-- The table of row versions when the topic is the other side of a two-way sync; else NULL.
SELECT max(versions) FROM cdc.subscriptions WHERE topic = :topic

-- When the topic is the other side of a two-way sync: the table of row versions, and the columns
-- that relate rows across sides (JSON array); no row otherwise.
SELECT versions, key_columns::text AS key_columns FROM cdc.subscriptions WHERE topic = :topic AND versions IS NOT NULL

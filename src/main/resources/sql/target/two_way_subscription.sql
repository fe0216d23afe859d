-- When the topic is the other side of a two-way sync: the table of row versions, and the columns
-- that relate rows across sides (JSON array); no row otherwise. (Read through to_jsonb, so that an
-- install made before these columns existed reads as NULLs until cdc setup runs again.)
SELECT s.versions, s.key_columns
FROM (SELECT to_jsonb(x) ->> 'versions' AS versions, to_jsonb(x) ->> 'key_columns' AS key_columns
      FROM cdc.subscriptions x WHERE x.topic = :topic) s
WHERE s.versions IS NOT NULL

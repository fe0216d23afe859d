-- When the topic is the other side of a two-way sync: the table of row versions, the columns
-- that relate rows across sides (JSON array) and the table's name on the other side when it differs
-- (else null); no row otherwise. (Read through to_jsonb, so that an
-- install made before these columns existed reads as NULLs until cdc setup runs again.)
SELECT s.versions, s.key_columns, s.other_table
FROM (SELECT to_jsonb(x) ->> 'versions' AS versions, to_jsonb(x) ->> 'key_columns' AS key_columns,
             to_jsonb(x) ->> 'other_table' AS other_table
      FROM cdc.subscriptions x WHERE x.topic = :topic) s
WHERE s.versions IS NOT NULL

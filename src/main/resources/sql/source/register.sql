-- The cdc.capture row of a table, made if missing (capture.sql fills in the rest), and its number:
-- unique per captured table, the second key of the producer's advisory lock and of the wake lock
-- (a hash of the name could collide, and two tables would then share a producer).
INSERT INTO cdc.capture (table_schema, table_name, changelog_schema, changelog_name)
VALUES (${schema_lit}, ${table_lit}, ${changelog_schema_lit}, ${changelog_name_lit})
ON CONFLICT (table_schema, table_name) DO UPDATE SET changelog_schema = cdc.capture.changelog_schema
RETURNING lock_id

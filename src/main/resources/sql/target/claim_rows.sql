-- Two-way sync: inserts the incoming rows whose key has no row here yet, in key order, before the
-- batch reads the local versions (read_versions.sql). A local writer's insert of one of those keys
-- that has not committed yet is waited for here (the unique index makes this insert wait), so the
-- batch then reads that writer's version and follows the conflict rule, instead of overwriting its
-- row unseen. Returns the place in :rows (from 1) of each row it inserted: when that row's change
-- loses, it is deleted again. Placeholders: ${table}, ${columns} (as upsert.sql), ${r_columns}
-- (the same of r.p), ${r_pk}, ${pk}, ${r_match} (r.p's key equals t's).
WITH r AS (
    SELECT e.ord, p
    FROM json_array_elements(CAST(:rows AS json)) WITH ORDINALITY AS e(j, ord)
    CROSS JOIN LATERAL json_populate_record(NULL::${table}, e.j) AS p
)
INSERT INTO ${table} AS t (${columns}) OVERRIDING SYSTEM VALUE
SELECT ${r_columns} FROM r ORDER BY ${r_pk}
ON CONFLICT (${pk}) DO NOTHING
RETURNING (SELECT r.ord FROM r WHERE ${r_match})

-- Deletes a batch of rows by key.
DELETE FROM ${table} AS t
USING jsonb_populate_recordset(NULL::${table}, CAST(:keys AS jsonb)) AS k
WHERE ${pk_match}

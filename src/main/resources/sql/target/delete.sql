-- Deletes a batch of rows by key.
DELETE FROM ${table} AS t
USING json_populate_recordset(NULL::${table}, CAST(:keys AS json)) AS k
WHERE ${pk_match}

-- Inserts or updates a batch of rows (one per key); PostgreSQL converts the JSON text by column type.
INSERT INTO ${table} AS t (${columns}) OVERRIDING SYSTEM VALUE
SELECT ${columns} FROM json_populate_recordset(NULL::${table}, CAST(:rows AS json))
ON CONFLICT (${pk}) DO ${on_conflict}

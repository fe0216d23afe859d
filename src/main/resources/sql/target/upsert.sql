-- Inserts or updates a batch of rows (one per key); PostgreSQL converts the JSON by column type.
INSERT INTO ${table} AS t (${columns}) OVERRIDING SYSTEM VALUE
SELECT ${columns} FROM jsonb_populate_recordset(NULL::${table}, CAST(:rows AS jsonb))
ON CONFLICT (${pk}) DO ${on_conflict}

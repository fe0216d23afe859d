-- The next stretch of a table to snapshot, in key order after the previous one: each row's key
-- (JSON) and size, so that the caller can end a chunk at about ${chunk_bytes} bytes.
-- Placeholders: ${table}, ${n} (alias), ${key_json} (n's key as JSON), ${pk_n} / ${pk_k} (the key
-- columns of n / k), ${after} (true for the first stretch, else (${pk_n}) > (${pk_k})).
SELECT ${key_json} AS key, pg_column_size(${n}) AS bytes
FROM json_populate_record(NULL::${table}, CAST(:after AS json)) k
CROSS JOIN LATERAL ( -- lateral, so that the key comparison is an index condition
    SELECT * FROM ${table} ${n} WHERE ${after} ORDER BY ${pk_n} LIMIT :limit
) ${n}
ORDER BY ${pk_n}

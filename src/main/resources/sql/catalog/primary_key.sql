-- The primary key columns of a table, in key order (not the columns it INCLUDEs, which are only
-- stored in its index).
SELECT a.attname
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE n.nspname = :schema AND c.relname = :name AND i.indisprimary AND k.ord <= i.indnkeyatts
ORDER BY k.ord

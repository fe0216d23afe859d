-- The column sets of a table's unique indexes that INSERT ... ON CONFLICT (columns) can use
-- (valid, not partial, on plain columns, checked at once: a DEFERRABLE constraint lets two
-- transactions hold a key at once, and is no arbiter), one JSON array of column names per index,
-- in the index's order.
SELECT json_agg(a.attname ORDER BY k.ord)::text AS columns
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE n.nspname = :schema AND c.relname = :name AND i.indisunique AND i.indisvalid AND i.indimmediate
  AND i.indpred IS NULL AND i.indexprs IS NULL AND k.ord <= i.indnkeyatts
GROUP BY i.indexrelid
ORDER BY i.indexrelid

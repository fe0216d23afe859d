-- The columns of a table that an INSERT leaving them out fills by itself: those with a default
-- (serial), an identity, or generated.
SELECT a.attname
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND c.relname = :name AND a.attnum > 0 AND NOT a.attisdropped
  AND (a.atthasdef OR a.attidentity <> '')

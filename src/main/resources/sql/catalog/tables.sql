-- The tables a user may capture: ordinary and partitioned tables (a partition is captured with its
-- parent), outside the system's schemas and cdc's own.
SELECT n.nspname AS schema, c.relname AS name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('information_schema', 'cdc') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 2

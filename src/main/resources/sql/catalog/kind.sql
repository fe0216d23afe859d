-- What kind of table a name is: partitioned (its partitions hold the rows), whether it is itself a
-- partition of another table (and of which), and the name of its primary key if that is DEFERRABLE.
SELECT c.relkind = 'p' AS partitioned, c.relispartition AS is_partition,
       (SELECT p.inhparent::regclass::text FROM pg_inherits p WHERE p.inhrelid = c.oid) AS parent,
       (SELECT k.conname FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p' AND k.condeferrable) AS deferrable_key
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND c.relname = :name

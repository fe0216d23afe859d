-- The producer locks (try_lock.sql) of several captured tables, taken where free, in one statement:
-- a standby's look every second. Returns the numbers (from 1, in the order of the arrays) of the
-- tables whose lock this session now holds. OFFSET 0 keeps the lock function from being pushed down
-- to the other rows of cdc.capture, the tables of other producers.
SELECT m.i
FROM (SELECT v.i, c.lock_id
      FROM unnest(CAST(:schemas AS text[]), CAST(:tables AS text[])) WITH ORDINALITY AS v(table_schema, table_name, i)
      JOIN cdc.capture c ON c.table_schema = v.table_schema AND c.table_name = v.table_name
      OFFSET 0) m
WHERE pg_try_advisory_lock(:c, m.lock_id)

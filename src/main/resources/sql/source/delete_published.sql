-- Removes the rows of one published page: exactly the rows read_window.sql returned.
DELETE FROM ${changelog}
WHERE seq > :after_seq AND seq <= :upto
  AND pg_visible_in_snapshot(txid, CAST(:cur AS pg_snapshot))
  AND NOT pg_visible_in_snapshot(txid, CAST(:prev AS pg_snapshot))

-- delete_published.sql for produce --retain: moves the rows of one published page to the table of
-- retained rows instead of deleting them.
WITH published AS (
    DELETE FROM ${changelog}
    WHERE seq > :after_seq AND seq <= :upto
      AND pg_visible_in_snapshot(txid, CAST(:cur AS pg_snapshot))
      AND NOT pg_visible_in_snapshot(txid, CAST(:prev AS pg_snapshot))
    RETURNING seq, txid, op, at, n, data, version
)
INSERT INTO ${retained} (seq, txid, op, at, n, data, version)
SELECT seq, txid, op, at, n, data, version FROM published

-- The open window's changelog rows after a seq, in seq order (the order of the changes of any one
-- row). Each row holds one or more changes; the producer stops reading when it has a page.
SELECT seq,
       txid::text                                  AS txid,
       op,
       (extract(epoch FROM at) * 1000)::bigint     AS ts_ms,
       n,
       data::text                                  AS data,
       version
FROM ${changelog}
WHERE seq > :after_seq AND seq <= :max_seq
  AND pg_visible_in_snapshot(txid, CAST(:cur AS pg_snapshot))
  AND NOT pg_visible_in_snapshot(txid, CAST(:prev AS pg_snapshot))
ORDER BY seq
LIMIT :limit

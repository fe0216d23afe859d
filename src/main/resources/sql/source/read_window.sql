-- One page of the open window, in seq order (the order of the changes of any one row).
SELECT seq,
       txid::text                                  AS txid,
       op,
       (extract(epoch FROM at) * 1000)::bigint     AS ts_ms,
       ${key_expr}                                 AS key,
       data::text                                  AS data
FROM ${changelog}
WHERE seq > :after_seq AND seq <= :max_seq
  AND pg_visible_in_snapshot(txid, CAST(:cur AS pg_snapshot))
  AND NOT pg_visible_in_snapshot(txid, CAST(:prev AS pg_snapshot))
ORDER BY seq
LIMIT :limit

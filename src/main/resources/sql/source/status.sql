-- Every captured table's cursor, and the producer publishing it: the session that holds the
-- producer's advisory lock (class 0x0cdc, the capture's lock_id; see PgChangelog.lock).
SELECT c.table_schema, c.table_name, c.window_id, c.published, c.published_at, now() AS now,
       a.pid AS producer_pid, host(a.client_addr) AS producer_host, a.backend_start AS producer_since
FROM cdc.capture c
LEFT JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
     AND l.classid = 3292 AND l.objid = (to_jsonb(c) ->> 'lock_id')::oid
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
LEFT JOIN pg_stat_activity a ON a.pid = l.pid
ORDER BY c.table_schema, c.table_name

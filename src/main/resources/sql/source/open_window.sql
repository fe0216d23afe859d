-- Opens the next window when the changelog holds a visible row (every visible row is unpublished).
-- pg_current_snapshot() is this statement's snapshot, so max(seq) bounds every row of every
-- transaction the window contains.
--
-- A window's number is the time it opened, in microseconds (or one more than the last, should the
-- clock go back): it grows with every window, and stays above every window already published even
-- when the cursor goes back, as after a point-in-time restore, a failover to a replica that had
-- not seen the last cursor moves, or a restore from a backup. The events of the new windows then
-- come after every event the topic holds, and the consumer applies them instead of taking them
-- for ones it applied already.
UPDATE cdc.capture
SET window_id   = greatest(window_id + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint),
    cur_snap    = pg_current_snapshot(),
    cur_max_seq = (SELECT max(seq) FROM ${changelog}),
    last_seq    = 0
WHERE table_schema = :schema AND table_name = :table
  AND cur_snap IS NULL
  AND EXISTS (SELECT FROM ${changelog})
RETURNING window_id, cur_snap::text AS cur_snap, cur_max_seq

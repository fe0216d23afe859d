-- Opens the next window of each of several changelogs of a session that holds a visible row (every
-- visible row is unpublished), one statement for a round of produce. The statement has one
-- snapshot: pg_current_snapshot() is every window's, and each changelog's max(seq) bounds every row
-- of every transaction its window contains. The windows: open_windows_row.sql once per changelog,
-- numbered from 0.
--
-- A window's number is the time it opened, in microseconds (or one more than the last, should the
-- clock go back): it grows with every window, and stays above every window already published even
-- when the cursor goes back, as after a point-in-time restore, a failover to a replica that had
-- not seen the last cursor moves, or a restore from a backup. The events of the new windows then
-- come after every event the topic holds, and the consumer applies them instead of taking them
-- for ones it applied already.
UPDATE cdc.capture c
SET window_id   = greatest(c.window_id + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint),
    cur_snap    = pg_current_snapshot(),
    cur_max_seq = v.max_seq,
    last_seq    = 0
FROM (VALUES ${windows}) AS v(i, table_schema, table_name, max_seq)
WHERE c.table_schema = v.table_schema AND c.table_name = v.table_name
  AND c.cur_snap IS NULL
  AND v.max_seq IS NOT NULL
RETURNING v.i, c.window_id, c.cur_snap::text AS cur_snap, c.cur_max_seq

-- Opens the next window when the changelog holds a visible row (every visible row is unpublished).
-- pg_current_snapshot() is this statement's snapshot, so max(seq) bounds every row of every
-- transaction the window contains.
UPDATE cdc.capture
SET window_id   = window_id + 1,
    cur_snap    = pg_current_snapshot(),
    cur_max_seq = (SELECT max(seq) FROM ${changelog}),
    last_seq    = 0
WHERE table_schema = :schema AND table_name = :table
  AND cur_snap IS NULL
  AND EXISTS (SELECT FROM ${changelog})
RETURNING window_id, cur_snap::text AS cur_snap, cur_max_seq

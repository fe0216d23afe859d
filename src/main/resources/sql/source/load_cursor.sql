SELECT c.changelog_schema, c.changelog_name, c.epoch::text AS epoch, c.window_id,
       c.prev_snap::text AS prev_snap, c.cur_snap::text AS cur_snap, c.cur_max_seq, c.last_seq, c.columns::text AS columns, c.partitions,
       pg_snapshot_xmax(coalesce(c.cur_snap, c.prev_snap)) > pg_snapshot_xmax(pg_current_snapshot()) AS xid_went_back
FROM cdc.capture c
WHERE c.table_schema = :schema AND c.table_name = :table

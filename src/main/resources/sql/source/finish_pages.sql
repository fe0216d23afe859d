-- After Kafka acknowledged the pages of a round of produce, on several changelogs of a session: one
-- statement removes the rows of each page (exactly those read_window.sql returned; with produce
-- --retain they move to the table of retained rows) and moves its cursor past them, closing the
-- window when the page ended it. :pages holds each page's bounds and cursor move (JSON); the
-- deletes are finish_pages_delete.sql (or _retain) once per page with rows, numbered like :pages
-- from 0. Returns the pages whose cursor moved (all, unless another producer ran without the
-- lock). columns: the columns announced with a page, or NULL; partitions: the topic's partitions
-- it was keyed for (from then on the producer refuses to key for another number).
WITH pages AS (
    SELECT * FROM jsonb_to_recordset(CAST(:pages AS jsonb))
        AS x(i int, table_schema text, table_name text, window_id bigint, after_seq bigint, upto bigint, cur text,
             prev text, closes boolean, count bigint, columns json, partitions integer)
),
${deletes}
moved AS (
    UPDATE cdc.capture c
    SET last_seq     = CASE WHEN p.closes THEN 0 ELSE p.upto END,
        prev_snap    = CASE WHEN p.closes THEN c.cur_snap ELSE c.prev_snap END,
        cur_snap     = CASE WHEN p.closes THEN NULL ELSE c.cur_snap END,
        cur_max_seq  = CASE WHEN p.closes THEN NULL ELSE c.cur_max_seq END,
        published    = c.published + p.count,
        published_at = now(),
        columns      = coalesce(p.columns, c.columns),
        partitions   = coalesce(p.partitions, c.partitions)
    FROM pages p
    WHERE c.table_schema = p.table_schema AND c.table_name = p.table_name AND c.window_id = p.window_id
    RETURNING p.i
)
SELECT i FROM moved

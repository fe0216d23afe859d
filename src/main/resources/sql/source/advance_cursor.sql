-- Moves the cursor past a published page; when the page ended the window, closes it. A small
-- page means the producer is about to idle: the triggers should wake it (see install.sql).
UPDATE cdc.capture
SET last_seq     = CASE WHEN :closes THEN 0 ELSE :upto END,
    prev_snap    = CASE WHEN :closes THEN cur_snap ELSE prev_snap END,
    cur_snap     = CASE WHEN :closes THEN NULL ELSE cur_snap END,
    cur_max_seq  = CASE WHEN :closes THEN NULL ELSE cur_max_seq END,
    published    = published + :count,
    published_at = now(),
    wake         = :idle
WHERE table_schema = :schema AND table_name = :table AND window_id = :window_id

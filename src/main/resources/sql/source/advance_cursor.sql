-- Moves the cursor past a published page; when the page ended the window, closes it. :columns:
-- the columns announced with the page, or NULL; :partitions: the topic's partitions the page was
-- keyed for (from then on the producer refuses to key for another number).
UPDATE cdc.capture
SET last_seq     = CASE WHEN :closes THEN 0 ELSE :upto END,
    prev_snap    = CASE WHEN :closes THEN cur_snap ELSE prev_snap END,
    cur_snap     = CASE WHEN :closes THEN NULL ELSE cur_snap END,
    cur_max_seq  = CASE WHEN :closes THEN NULL ELSE cur_max_seq END,
    published    = published + :count,
    published_at = now(),
    columns      = coalesce(CAST(:columns AS json), columns),
    partitions   = coalesce(CAST(:partitions AS integer), partitions)
WHERE table_schema = :schema AND table_name = :table AND window_id = :window_id

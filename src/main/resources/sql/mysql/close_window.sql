UPDATE cdc.capture
SET hw = win_hi, gaps = :gaps, win_hi = NULL, win_gaps = NULL, win_fills = NULL, last_seq = 0,
    published = published + :events
WHERE table_schema = :schema AND table_name = :table

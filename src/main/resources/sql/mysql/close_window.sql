UPDATE cdc.capture
SET hw = win_hi, win_hi = NULL, win_runs = NULL, last_seq = 0, published = published + :events
WHERE table_schema = :schema AND table_name = :table

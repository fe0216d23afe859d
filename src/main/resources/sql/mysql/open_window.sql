UPDATE cdc.capture
SET window_id = GREATEST(window_id + 1, CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)),
    win_hi = :hi, win_runs = :runs, last_seq = 0
WHERE table_schema = :schema AND table_name = :table

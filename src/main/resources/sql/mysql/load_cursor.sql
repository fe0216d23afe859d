SELECT epoch, window_id, hw, win_hi, win_runs, last_seq
FROM cdc.capture WHERE table_schema = :schema AND table_name = :table
FOR UPDATE

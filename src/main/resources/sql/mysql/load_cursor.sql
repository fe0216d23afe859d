SELECT epoch, window_id, hw, gaps, win_hi, win_gaps, win_fills, last_seq
FROM cdc.capture WHERE table_schema = :schema AND table_name = :table
FOR UPDATE

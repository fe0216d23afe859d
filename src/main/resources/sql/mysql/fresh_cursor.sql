-- A changelog made anew under an existing cursor (dropped by hand, a teardown cut short): its seqs
-- restart, so the cursor does too, with a new epoch (the consumer then takes its positions as new).
UPDATE cdc.capture SET epoch = UUID(), hw = 0, win_hi = NULL, win_runs = NULL, last_seq = 0
WHERE table_schema = :schema AND table_name = :table

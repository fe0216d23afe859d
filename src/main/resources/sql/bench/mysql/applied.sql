-- Changes the benchmark's consumer group applied to the target (each counted once).
SELECT COALESCE(SUM(applied), 0) FROM cdc.applied_offsets WHERE group_id = :g

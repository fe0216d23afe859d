-- Stores the position of the last event applied per partition, source and capture epoch, in the
-- transaction that applied it.
INSERT INTO cdc.applied_positions (group_id, topic, partition, source, epoch, window_id, seq, idx)
SELECT :group_id, :topic, x.partition, x.source, x.epoch, x.window_id, x.seq, x.idx
FROM jsonb_to_recordset(CAST(:positions AS jsonb))
     AS x(partition int, source text, epoch text, window_id bigint, seq bigint, idx int)
ON CONFLICT (group_id, topic, partition, source, epoch)
DO UPDATE SET window_id = EXCLUDED.window_id, seq = EXCLUDED.seq, idx = EXCLUDED.idx

UPDATE cdc.applied_offsets o
SET next_offset = x.next_offset, epoch = x.epoch, window_id = x.window_id, seq = x.seq, idx = x.idx, sources = x.sources,
    applied = o.applied + x.applied, topic_id = coalesce(CAST(:topic_id AS text), o.topic_id), updated_at = now()
FROM jsonb_to_recordset(CAST(:offsets AS jsonb))
     AS x(partition int, next_offset bigint, epoch text, window_id bigint, seq bigint, idx int, sources jsonb, applied bigint)
WHERE o.group_id = :group_id AND o.topic = :topic AND o.partition = x.partition

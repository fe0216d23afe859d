-- Stores the next offset of each partition a batch read, in the transaction that applied it.
UPDATE cdc.applied_offsets o
SET next_offset = x.next_offset, applied = o.applied + x.applied,
    topic_id = coalesce(CAST(:topic_id AS text), o.topic_id), updated_at = now()
FROM jsonb_to_recordset(CAST(:offsets AS jsonb)) AS x(partition int, next_offset bigint, applied bigint)
WHERE o.group_id = :group_id AND o.topic = :topic AND o.partition = x.partition

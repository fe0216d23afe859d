-- What a consumer group applied, per topic and partition.
SELECT topic, partition, next_offset, applied, updated_at, now() AS now
FROM cdc.applied_offsets
WHERE group_id = :group_id
ORDER BY topic, partition

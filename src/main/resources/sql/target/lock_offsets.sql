-- Locks the offset rows of a batch's partitions, fencing any other consumer that still believes
-- it owns one of them: the loser waits, then sees the winner's offsets and skips what it applied.
-- With the id of the topic each offset was in (see PgOffsetStore.otherTopic).
SELECT partition, next_offset, topic_id, epoch, window_id, seq, idx, sources::text AS sources
FROM cdc.applied_offsets
WHERE group_id = :group_id AND topic = :topic AND partition = ANY(CAST(:partitions AS int[]))
ORDER BY partition
FOR UPDATE

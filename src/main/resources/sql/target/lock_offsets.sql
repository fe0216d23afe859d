-- Locks the offset rows of a batch's partitions, fencing any other consumer that still believes
-- it owns one of them: the loser waits, then sees the winner's offsets and skips what it applied.
-- An offset of another topic of the same name (deleted and created again since: :topic_id is the
-- topic's id now) is no offset in this one.
SELECT partition, CASE WHEN topic_id <> CAST(:topic_id AS text) THEN -1 ELSE next_offset END AS next_offset, epoch, window_id, seq, idx, sources::text AS sources
FROM cdc.applied_offsets
WHERE group_id = :group_id AND topic = :topic AND partition = ANY(CAST(:partitions AS int[]))
ORDER BY partition
FOR UPDATE

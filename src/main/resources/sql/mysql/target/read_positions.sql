-- The positions applied in the batch's partitions (:partitions: their numbers, comma-separated), of
-- every source and epoch: the caller keeps those of the batch's events.
SELECT `partition`, source, epoch, window_id, seq, idx FROM cdc.applied_positions
WHERE group_id = :group_id AND topic = :topic AND FIND_IN_SET(`partition`, :partitions)

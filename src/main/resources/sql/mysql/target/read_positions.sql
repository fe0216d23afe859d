-- The positions applied in the batch's partitions (the IN list: their numbers, from integers), of
-- every source and epoch: the caller keeps those of the batch's events.
SELECT `partition`, source, epoch, window_id, seq, idx FROM cdc.applied_positions
WHERE group_id = :group_id AND topic = :topic AND `partition` IN (${partitions})

-- The state of a batch's partitions (the IN list: their numbers, from integers), locked until the
-- batch's transaction ends.
SELECT `partition`, next_offset, topic_id FROM cdc.applied_offsets
WHERE group_id = :group_id AND topic = :topic AND `partition` IN (${partitions})
ORDER BY `partition`
FOR UPDATE

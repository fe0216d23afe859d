-- The state of a batch's partitions (:partitions: their numbers, comma-separated), locked until the
-- batch's transaction ends.
SELECT `partition`, next_offset, topic_id FROM cdc.applied_offsets
WHERE group_id = :group_id AND topic = :topic AND FIND_IN_SET(`partition`, :partitions)
ORDER BY `partition`
FOR UPDATE

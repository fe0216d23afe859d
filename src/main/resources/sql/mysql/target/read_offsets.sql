-- The next offset of every partition of a topic that has one.
SELECT `partition`, next_offset, topic_id FROM cdc.applied_offsets
WHERE group_id = :group_id AND topic = :topic AND next_offset >= 0

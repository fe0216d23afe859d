SELECT partition, next_offset FROM cdc.applied_offsets
WHERE group_id = :group_id AND topic = :topic AND next_offset >= 0

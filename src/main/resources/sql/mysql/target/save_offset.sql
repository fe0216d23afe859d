-- A partition's next offset after a batch, with how many events it applied.
UPDATE cdc.applied_offsets
SET next_offset = :next_offset, applied = applied + :applied, topic_id = COALESCE(:topic_id, topic_id),
    updated_at = CURRENT_TIMESTAMP(6)
WHERE group_id = :group_id AND topic = :topic AND `partition` = :partition

-- The next offset of each partition of the topic the group applied, with the id of the topic it
-- was in (a topic deleted and created again under the same name has another id: see PgOffsetStore).
SELECT partition, next_offset, topic_id FROM cdc.applied_offsets
WHERE group_id = :group_id AND topic = :topic AND next_offset >= 0

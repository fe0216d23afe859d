-- What a consumer group applied, per topic and partition (times in UTC: the session's zone).
SELECT topic, `partition`, next_offset, applied, updated_at, CURRENT_TIMESTAMP(6) AS now
FROM cdc.applied_offsets
WHERE group_id = :group_id
ORDER BY topic, `partition`

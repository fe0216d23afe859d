-- A partition's first batch: its row (kept when another consumer made it meanwhile).
INSERT INTO cdc.applied_offsets (group_id, topic, `partition`) VALUES (:group_id, :topic, :partition)
ON DUPLICATE KEY UPDATE `partition` = `partition`

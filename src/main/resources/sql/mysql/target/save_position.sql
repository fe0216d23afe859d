-- The position of the last event applied of a source's capture epoch in a partition.
INSERT INTO cdc.applied_positions (group_id, topic, `partition`, source, epoch, window_id, seq, idx)
VALUES (:group_id, :topic, :partition, :source, :epoch, :window_id, :seq, :idx)
ON DUPLICATE KEY UPDATE window_id = VALUES(window_id), seq = VALUES(seq), idx = VALUES(idx)

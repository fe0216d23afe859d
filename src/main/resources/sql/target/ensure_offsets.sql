-- Creates the offset rows of a batch's partitions, so that lock_offsets.sql always has rows to lock.
INSERT INTO cdc.applied_offsets (group_id, topic, partition)
SELECT :group_id, :topic, p FROM unnest(CAST(:partitions AS int[])) AS p
ON CONFLICT DO NOTHING

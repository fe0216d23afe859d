-- The stored positions of a batch's origins (source name and capture epoch, paired by index in the
-- two arrays) in its partitions; the offset rows locked before (lock_offsets.sql) guard them.
SELECT p.partition, p.source, p.epoch, p.window_id, p.seq, p.idx
FROM cdc.applied_positions p
JOIN unnest(CAST(:sources AS text[]), CAST(:epochs AS text[])) AS o(source, epoch)
  ON p.source = o.source AND p.epoch = o.epoch
WHERE p.group_id = :group_id AND p.topic = :topic AND p.partition = ANY(CAST(:partitions AS int[]))

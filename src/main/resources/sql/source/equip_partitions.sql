-- Gives the partitions of a partitioned table that lack them the capture triggers (partitioned.sql);
-- :copy: their rows are copied into the changelog too. Returns how many it equipped.
SELECT ${fn_partitions}(:copy)

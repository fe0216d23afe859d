-- cdc produce --accept-partitions: the topic's partitions changed (the operator let consume apply
-- everything published before): key the table's events for the new number from now on.
UPDATE cdc.capture SET partitions = :partitions
WHERE table_schema = :schema AND table_name = :table

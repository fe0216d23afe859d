UPDATE cdc.capture SET columns = COALESCE(:columns, columns), partitions = :partitions
WHERE table_schema = :schema AND table_name = :table

SELECT columns, partitions FROM cdc.capture WHERE table_schema = :schema AND table_name = :table

UPDATE cdc.capture SET gaps = :gaps WHERE table_schema = :schema AND table_name = :table

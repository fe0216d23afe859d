UPDATE cdc.capture SET last_seq = :last, published = published + :events
WHERE table_schema = :schema AND table_name = :table

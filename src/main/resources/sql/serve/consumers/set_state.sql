UPDATE cdc.consumers SET state = :state, updated_at = now() WHERE name = :name

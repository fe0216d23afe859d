UPDATE cdc.pipelines SET state = :state, updated_at = now() WHERE name = :name

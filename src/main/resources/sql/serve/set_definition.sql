UPDATE cdc.pipelines SET definition = CAST(:definition AS jsonb), updated_at = now() WHERE name = :name

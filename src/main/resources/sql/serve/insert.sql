INSERT INTO cdc.pipelines (name, definition, state) VALUES (:name, CAST(:definition AS jsonb), 'stopped')
ON CONFLICT (name) DO NOTHING

INSERT INTO cdc.pipelines (name, definition, state) VALUES (:name, CAST(:definition AS jsonb), 'running')
ON CONFLICT (name) DO NOTHING

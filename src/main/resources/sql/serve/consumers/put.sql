-- A consumer started: new, or again under its name (with this definition).
INSERT INTO cdc.consumers (name, definition, state) VALUES (:name, CAST(:definition AS jsonb), 'running')
ON CONFLICT (name) DO UPDATE
SET definition = EXCLUDED.definition, state = 'running', last_error = NULL, last_error_at = NULL, updated_at = now()

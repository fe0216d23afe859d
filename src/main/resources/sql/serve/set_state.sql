-- A pipeline set running again starts without its last error.
UPDATE cdc.pipelines
SET state = :state, updated_at = now(),
    last_error = CASE WHEN :state = 'running' THEN NULL ELSE last_error END,
    last_error_at = CASE WHEN :state = 'running' THEN NULL ELSE last_error_at END
WHERE name = :name

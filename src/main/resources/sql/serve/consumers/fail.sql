UPDATE cdc.consumers SET state = 'failed', last_error = :error, last_error_at = now(), updated_at = now() WHERE name = :name

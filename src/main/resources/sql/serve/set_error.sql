UPDATE cdc.pipelines SET last_error = :error, last_error_at = now(), updated_at = now() WHERE name = :name

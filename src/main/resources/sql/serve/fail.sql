-- A pipeline that stopped on an error: not started again until asked (resume, restart).
UPDATE cdc.pipelines SET state = 'failed', last_error = :error, last_error_at = now(), updated_at = now() WHERE name = :name

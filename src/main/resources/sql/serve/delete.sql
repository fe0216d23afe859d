DELETE FROM cdc.pipelines WHERE name = :name

SELECT name, definition::text AS definition, state, last_error,
       to_char(last_error_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_error_at
FROM cdc.consumers ORDER BY name

-- The tables a user may capture: base tables outside the system's databases and cdc's, not changelogs.
SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name FROM information_schema.TABLES
WHERE TABLE_TYPE = 'BASE TABLE'
  AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys', 'cdc')
  AND TABLE_NAME NOT LIKE '%\_cdc'
ORDER BY TABLE_SCHEMA, TABLE_NAME

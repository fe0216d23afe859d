-- A table's columns in order, their types, and each one's position in the primary key (0: none).
SELECT c.COLUMN_NAME AS name, c.DATA_TYPE AS data_type, c.COLUMN_TYPE AS column_type,
       c.IS_NULLABLE = 'NO' AS not_null, c.NUMERIC_PRECISION AS num_precision, c.NUMERIC_SCALE AS num_scale,
       c.CHARACTER_MAXIMUM_LENGTH AS char_length, c.DATETIME_PRECISION AS time_precision,
       COALESCE(k.ORDINAL_POSITION, 0) AS key_position
FROM information_schema.COLUMNS c
LEFT JOIN information_schema.KEY_COLUMN_USAGE k
       ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME
      AND k.CONSTRAINT_NAME = 'PRIMARY'
WHERE c.TABLE_SCHEMA = :schema AND c.TABLE_NAME = :table
ORDER BY c.ORDINAL_POSITION

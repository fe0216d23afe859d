-- A table's columns in order, and whether each is in its primary key (its position there, else 0).
SELECT c.COLUMN_NAME AS name, COALESCE(k.ORDINAL_POSITION, 0) AS key_position
FROM information_schema.COLUMNS c
LEFT JOIN information_schema.KEY_COLUMN_USAGE k
       ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME
      AND k.CONSTRAINT_NAME = 'PRIMARY'
WHERE c.TABLE_SCHEMA = :schema AND c.TABLE_NAME = :table
ORDER BY c.ORDINAL_POSITION

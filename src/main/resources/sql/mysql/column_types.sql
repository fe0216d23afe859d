-- The columns of a table: declared type, character set and collation (NULL for
-- other than text).
SELECT COLUMN_NAME AS name, COLUMN_TYPE AS column_type, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :table

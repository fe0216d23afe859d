-- The columns of a MySQL table of the json type.
SELECT COLUMN_NAME FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :table AND DATA_TYPE = 'json'

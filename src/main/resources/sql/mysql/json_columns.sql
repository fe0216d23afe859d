-- The columns of a MariaDB table that hold JSON: MariaDB's JSON is a LONGTEXT that a CHECK
-- (json_valid) guards. (MySQL's own json type is DATA_TYPE json.)
SELECT c.COLUMN_NAME
FROM information_schema.COLUMNS c
WHERE c.TABLE_SCHEMA = :schema AND c.TABLE_NAME = :table
  AND (c.DATA_TYPE = 'json' OR EXISTS (
        SELECT 1 FROM information_schema.CHECK_CONSTRAINTS k
        WHERE k.CONSTRAINT_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
          AND k.CHECK_CLAUSE = CONCAT('json_valid(`', c.COLUMN_NAME, '`)')))

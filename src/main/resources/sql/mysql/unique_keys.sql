-- The column sets of a table's unique indexes on whole columns (no prefix, no expression), one
-- JSON array of column names per index.
SELECT CONCAT('[', GROUP_CONCAT(JSON_QUOTE(COLUMN_NAME) ORDER BY SEQ_IN_INDEX SEPARATOR ','), ']') AS columns
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :table AND NON_UNIQUE = 0
GROUP BY INDEX_NAME
HAVING SUM(COLUMN_NAME IS NULL OR SUB_PART IS NOT NULL) = 0
ORDER BY INDEX_NAME

-- The columns of a table that an INSERT leaving them out fills by itself: AUTO_INCREMENT, a
-- default, or generated.
SELECT COLUMN_NAME FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :table
  AND (EXTRA LIKE '%auto_increment%' OR COLUMN_DEFAULT IS NOT NULL OR GENERATION_EXPRESSION <> ''
       OR EXTRA LIKE '%GENERATED%')

-- A signature of the columns (order, names, types) of every table in the given databases
-- (${schemas}: quoted names), to notice an ALTER TABLE of a captured one.
SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t,
       CONCAT(COUNT(*), ':', SUM(CRC32(CONCAT_WS(' ', ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE)))) AS columns
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA IN (${schemas})
GROUP BY TABLE_SCHEMA, TABLE_NAME

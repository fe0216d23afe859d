-- A signature of the columns of each watched table (${tables}: TABLE_SCHEMA = ... AND TABLE_NAME = ...
-- conditions, one per table, OR'ed): their order, names, types, nullability and key membership, all
-- that the capture triggers' text depends on, to notice an ALTER TABLE.
SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t,
       CONCAT(COUNT(*), ':', SUM(CRC32(CONCAT_WS(' ', ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE,
                                                 COLUMN_KEY)))) AS columns
FROM information_schema.COLUMNS
WHERE ${tables}
GROUP BY TABLE_SCHEMA, TABLE_NAME

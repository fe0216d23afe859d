-- The rows the table already has, copied into its changelog as inserts (the triggers' format).
-- A locking read: a row a writer changed and has not committed yet is read once it committed, so
-- its copy comes after that change in the changelog (a plain read would copy the old value after
-- the change, and the target would end with the old value).
INSERT INTO ${changelog} (op, data) SELECT 'I', CONCAT('[', JSON_OBJECT(${row}), ']') FROM ${table} AS r
LOCK IN SHARE MODE

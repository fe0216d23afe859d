-- The rows the table already has, copied into its changelog as inserts (the triggers' format).
-- A locking read: a row a writer changed and has not committed yet is read once it committed, so
-- its copy comes after that change in the changelog (a plain read would copy the old value after
-- the change, and the target would end with the old value). Two-way sync: ${versions} joins each
-- row's version, and ${version} is it when this side made it (else, and one-way, NULL).
INSERT INTO ${changelog} (op, data, version)
SELECT 'I', CONCAT('[', JSON_OBJECT(${row}), ']'), ${version} FROM ${table} AS r ${versions}
LOCK IN SHARE MODE

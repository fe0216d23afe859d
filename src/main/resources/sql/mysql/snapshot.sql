-- One stretch of the rows the table already has, copied into its changelog as inserts (the
-- triggers' format): the rows past the last stretch's last key (${after}) up to this stretch's
-- last one (${upto}; the last stretch: TRUE), in key order. A locking read: a row a writer changed
-- and has not committed yet is read once it committed, so its copy comes after that change in the
-- changelog (a plain read would copy the old value after the change, and the target would end
-- with the old value); the locks are held only until this statement commits. Two-way sync:
-- ${versions} joins each row's version, and ${version} is it when this side made it (else, and
-- one-way, NULL).
INSERT INTO ${changelog} (op, data, version)
SELECT 'I', CONCAT('[', JSON_OBJECT(${row}), ']'), ${version} FROM ${table} AS r ${versions}
WHERE ${after} AND ${upto}
ORDER BY ${keys}
LOCK IN SHARE MODE

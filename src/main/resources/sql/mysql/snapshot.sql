-- The rows the table already has, copied into its changelog as inserts (the triggers' format).
INSERT INTO ${changelog} (op, data) SELECT 'I', CONCAT('[', JSON_OBJECT(${row}), ']') FROM ${table} AS r

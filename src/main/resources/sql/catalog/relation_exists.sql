-- Whether a table (schema.name) exists.
SELECT to_regclass(:name) IS NOT NULL

-- The keys of the rows a truncate may delete (their partition is computed from them).
SELECT ${key} FROM ${table} ${where}

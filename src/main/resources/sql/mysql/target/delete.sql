-- Deletes a row by its key.
DELETE FROM ${table} WHERE ${key_match}

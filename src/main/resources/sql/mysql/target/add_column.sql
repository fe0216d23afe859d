-- A column the source gained.
ALTER TABLE ${table} ADD COLUMN ${column}

-- A column the target table lacks (added on the source), with the value existing rows got as its default.
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column}

-- A column cdc's own table lacks, installed by an earlier cdc (MySQL 8 has no ADD COLUMN IF NOT EXISTS).
ALTER TABLE ${table} ADD COLUMN ${column}

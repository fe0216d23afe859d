-- A label the target's enum lacks, at the end.
ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${label}

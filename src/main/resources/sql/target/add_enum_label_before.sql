-- A label the target's enum lacks, before the next label it has (the source's order).
ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${label} BEFORE ${before}

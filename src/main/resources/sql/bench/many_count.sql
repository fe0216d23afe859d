-- The rows of one of the many tables (source and target must have as many).
SELECT count(*) FROM bench_many.${table}

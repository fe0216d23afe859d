-- Which of the rows written to one of the many tables the target has.
SELECT id FROM bench_many.${table} WHERE id = ANY(?)

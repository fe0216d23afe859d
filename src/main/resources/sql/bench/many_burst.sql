-- A burst transaction on one of the many tables: rows ? to ?.
INSERT INTO bench_many.${table} (id, v) SELECT g, 'burst ' || g FROM generate_series(?, ?) g

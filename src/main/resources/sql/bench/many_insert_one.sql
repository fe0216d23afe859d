-- One row into one of the many tables (a single-row transaction of the paced workload).
INSERT INTO bench_many.${table} (id, v) VALUES (?, 'paced')

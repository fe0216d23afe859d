-- Paced: one row in its own transaction (autocommit), its id given; the watcher looks for it on the target.
INSERT INTO cdc_bench.employees (emp_id, first_name, last_name, dob, city, salary)
VALUES (?, 'Paced', ?, DATE '1980-05-17', 'Austin', 50000)

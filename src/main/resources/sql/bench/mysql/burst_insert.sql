-- Burst: one transaction's rows, ${rows} being as many "(?, ?, ?, ?, ?, ?)" as rows.
INSERT INTO cdc_bench.employees (emp_id, first_name, last_name, dob, city, salary) VALUES ${rows}

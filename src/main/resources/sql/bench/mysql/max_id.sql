SELECT COALESCE(MAX(emp_id), 0) FROM cdc_bench.employees

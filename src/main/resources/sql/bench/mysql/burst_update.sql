-- Burst: one transaction's updates; ${ids} is a list of the benchmark's own integer ids.
UPDATE cdc_bench.employees SET salary = salary + 1, city = ? WHERE emp_id IN (${ids})

-- Burst: one transaction's deletes; ${ids} is a list of the benchmark's own integer ids.
DELETE FROM cdc_bench.employees WHERE emp_id IN (${ids})

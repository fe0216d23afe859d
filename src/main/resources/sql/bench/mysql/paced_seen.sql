-- Paced: which of the rows still awaited (${ids}: the benchmark's own integer ids) have reached the target.
SELECT emp_id FROM cdc_bench.employees WHERE emp_id IN (${ids})

-- The whole table as its row count and the XOR of a 64-bit hash of every row, to compare source and
-- target (rows are distinct by their key, so none cancels another).
SELECT CONCAT(COUNT(*), ':', COALESCE(BIT_XOR(CAST(CONV(LEFT(MD5(CONCAT_WS('|', emp_id, first_name, last_name,
       dob, city, salary)), 16), 16, 10) AS UNSIGNED)), 0))
FROM cdc_bench.employees

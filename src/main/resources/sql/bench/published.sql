-- Changes the producer of the benchmark's table published since setup.
SELECT published FROM cdc.capture WHERE table_schema = 'public' AND table_name = 'employees'

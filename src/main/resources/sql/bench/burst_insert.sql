-- Burst: one transaction's rows (cities from the array, numbers from the series bounds); their ids for the updates.
INSERT INTO public.employees (first_name, last_name, dob, city, salary)
SELECT 'First' || g, 'Last' || g, DATE '1950-01-01' + (g * 7) % 18000, (?::text[])[1 + g % 7], 30000 + g % 170000
FROM generate_series(?, ?) g RETURNING emp_id

INSERT INTO public.employees (first_name, last_name, dob, city, salary)
SELECT 'Backlog', 'B' || g, DATE '1960-01-01' + g % 15000, 'Kraków', 40000 + g % 1000 FROM generate_series(1, ?) g

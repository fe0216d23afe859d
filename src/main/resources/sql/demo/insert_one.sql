-- The selftest's row.
INSERT INTO public.employees (first_name, last_name, dob, city, salary)
VALUES ('Selftest', :m, DATE '1990-01-31', 'Zürich', 1000.50) RETURNING emp_id

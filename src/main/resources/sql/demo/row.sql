-- One row as text, to compare the source's and the target's.
SELECT ROW(emp_id, first_name, last_name, dob, city, salary)::text FROM public.employees WHERE emp_id = :id

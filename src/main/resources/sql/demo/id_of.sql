SELECT emp_id FROM public.employees WHERE last_name = :m

SELECT coalesce(max(emp_id), 0) FROM public.employees

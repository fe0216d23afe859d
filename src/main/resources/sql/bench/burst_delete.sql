DELETE FROM public.employees WHERE emp_id = ANY(?)

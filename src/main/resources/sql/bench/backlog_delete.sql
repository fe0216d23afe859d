DELETE FROM public.employees WHERE emp_id >= ? AND emp_id < ?

UPDATE public.employees SET salary = salary + 1 WHERE emp_id >= ? AND emp_id < ?

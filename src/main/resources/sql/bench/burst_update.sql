UPDATE public.employees SET salary = salary + 1, city = ? WHERE emp_id = ANY(?)

UPDATE public.employees SET salary = salary + 100, city = :c WHERE emp_id = ANY(:ids)

UPDATE public.employees SET salary = salary + 1, city = 'São Paulo' WHERE emp_id = :id

SELECT count(*) FROM public.employees

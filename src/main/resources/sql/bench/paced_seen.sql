-- Paced: which of the rows still awaited have reached the target.
SELECT emp_id FROM public.employees WHERE emp_id = ANY(?)

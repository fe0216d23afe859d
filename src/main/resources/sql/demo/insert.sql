INSERT INTO public.employees (first_name, last_name, dob, city, salary) VALUES (:f, :l, :d, :c, :s)

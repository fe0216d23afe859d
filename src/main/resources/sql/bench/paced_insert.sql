-- Paced: one row in its own transaction (autocommit); its id is what the watcher looks for on the target.
INSERT INTO public.employees (first_name, last_name, dob, city, salary) VALUES ('Paced', ?, DATE '1980-05-17', 'Austin', 50000)
RETURNING emp_id

-- The whole table as its row count and an md5 of every row in key order, to compare source and target.
SELECT count(*) || ':' || coalesce(md5(string_agg(md5(e::text), '' ORDER BY emp_id)), '') FROM public.employees e

-- The demo table, created on the source and on the target by `cdc setup`.
CREATE TABLE IF NOT EXISTS public.employees (
    emp_id     serial PRIMARY KEY,
    first_name varchar(100) NOT NULL,
    last_name  varchar(100) NOT NULL,
    dob        date,
    city       varchar(100),
    salary     numeric(12, 2)
);

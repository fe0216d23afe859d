-- Write cost: a table shaped like employees, created twice (one with capture, one without).
DROP TABLE IF EXISTS ${table} CASCADE;
CREATE TABLE ${table} (emp_id bigserial PRIMARY KEY, first_name varchar(100) NOT NULL, last_name varchar(100) NOT NULL,
    dob date, city varchar(100), salary numeric(12, 2))

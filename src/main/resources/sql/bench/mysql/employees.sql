-- The pipeline benchmark's table on MySQL/MariaDB, shaped like the employees demo; its ids are
-- given by the writers (MySQL has no INSERT ... RETURNING). Created afresh for each run.
DROP TABLE IF EXISTS cdc_bench.employees;
CREATE TABLE cdc_bench.employees (emp_id INT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL, dob DATE, city VARCHAR(100), salary DECIMAL(12, 2)) ENGINE = InnoDB

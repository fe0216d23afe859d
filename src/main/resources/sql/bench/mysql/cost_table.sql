-- Write cost: a table shaped like employees, created twice (one with capture, one without).
DROP TABLE IF EXISTS ${table};
CREATE TABLE ${table} (emp_id BIGINT AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL, dob DATE, city VARCHAR(100), salary DECIMAL(12, 2)) ENGINE = InnoDB

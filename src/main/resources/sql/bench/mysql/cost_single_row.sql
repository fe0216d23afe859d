-- Write cost: a one-row transaction, as many as 4 clients can commit.
INSERT INTO ${table} (first_name, last_name, dob, city, salary) VALUES ('T', 'P', '1990-01-01', 'Austin', 1)

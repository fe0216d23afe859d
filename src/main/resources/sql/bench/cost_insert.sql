INSERT INTO ${table} (first_name, last_name, dob, city, salary)
SELECT 'F' || g, 'L' || g, DATE '1970-01-01' + g % 20000, 'City ' || g % 100, g % 100000 FROM generate_series(1, ${rows}) g

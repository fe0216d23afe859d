-- Inserts a row, or updates the row of its key (the columns given; the others are left as they are).
INSERT INTO ${table} (${columns}) VALUES (${values})
ON DUPLICATE KEY UPDATE ${update}

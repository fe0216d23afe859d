UPDATE ${table} SET salary = salary + 1

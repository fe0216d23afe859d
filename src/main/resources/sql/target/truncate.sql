DELETE FROM ${table} ${where}

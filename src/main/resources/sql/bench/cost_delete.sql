DELETE FROM ${table}

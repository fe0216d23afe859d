-- What cdc consume needs to apply into a table: its rows, and the bookkeeping.
GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${role}

-- Two-way sync: inserts an incoming row whose key had no row (see MySqlConflicts); a duplicate key
-- fails this statement alone, once a local writer's insert of that key committed.
INSERT INTO ${table} (${columns}) VALUES (${values})

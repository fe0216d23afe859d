-- ... and its statistics fresh.
ANALYZE TABLE ${table}

-- ... and its statistics fresh (VACUUM runs alone: never in a transaction block).
VACUUM ANALYZE ${table}

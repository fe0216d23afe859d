-- The changelog takes and loses rows all day: vacuuming it often keeps it a few pages long, where
-- autovacuum would look only once a minute. Needs the table's owner (or MAINTAIN on PostgreSQL 17);
-- without it PostgreSQL skips the table with a warning and autovacuum does the work.
VACUUM (SKIP_LOCKED) ${changelog}, ${retained}

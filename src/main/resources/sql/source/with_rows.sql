-- Which of a session's idle changelogs hold rows (every visible row is an unpublished change), all
-- looked at in one statement: the checks are with_rows_check.sql (no comment in it: the checks are
-- joined on one line) once per changelog, numbered from 0.
SELECT i FROM (VALUES ${checks}) v(i, has) WHERE has

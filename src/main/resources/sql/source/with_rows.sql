-- Which of a session's idle changelogs hold rows (every visible row is an unpublished change), all
-- looked at in one statement: ${checks} is "(0, EXISTS (SELECT FROM changelog)), (1, ...)".
SELECT i FROM (VALUES ${checks}) v(i, has) WHERE has

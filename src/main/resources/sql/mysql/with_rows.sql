-- Which changelogs hold rows: ${parts} is one (SELECT i ... LIMIT 1) per changelog, written by MySqlSession.
${parts}

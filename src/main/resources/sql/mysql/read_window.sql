-- The open window's next rows: ${in_window} is the window's runs of seqs (see MySqlCursor.window).
SELECT seq, op, n, data, CAST(UNIX_TIMESTAMP(at) * 1000 AS SIGNED) AS ts_ms, COALESCE(version, -1) AS version
FROM ${changelog}
WHERE seq > :last AND (${in_window})
ORDER BY seq
LIMIT :limit

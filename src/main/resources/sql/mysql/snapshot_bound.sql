-- The key of the last row of the next stretch of a snapshot: the ${skip}th row past the last
-- stretch's last key (${after}), in key order; none: the rest of the table is the last stretch.
SELECT ${keys} FROM ${table} AS r
WHERE ${after}
ORDER BY ${keys}
LIMIT 1 OFFSET ${skip}

-- Copies one stretch of a table into its changelog as updates (one changelog row), holding a
-- share lock on the stretch's rows until commit. The lock orders the copy with every writer of
-- those rows: a writer that changed a row first has committed, and its changelog row has a lower
-- seq; a writer that comes later waits, and its changelog row gets a higher seq. So a copied row
-- never overwrites a newer change on the target, whatever window either lands in.
-- Placeholders as in snapshot_bounds.sql, and ${changelog}.
INSERT INTO ${changelog} (op, n, data)
SELECT 'U', count(*), json_agg(row_to_json(${n})) FROM (
    SELECT ${n}.*
    FROM json_populate_record(NULL::${table}, CAST(:after AS json)) k
    CROSS JOIN json_populate_record(NULL::${table}, CAST(:upto AS json)) u
    CROSS JOIN LATERAL (
        SELECT * FROM ${table} ${n} WHERE ${after} AND (${pk_n}) <= (${pk_u}) ORDER BY ${pk_n} FOR SHARE
    ) ${n}
) ${n}
HAVING count(*) > 0
RETURNING n

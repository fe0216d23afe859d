-- Two-way sync: as snapshot_chunk.sql, with each row's version on this side, so that the other
-- side learns the version the row has here: a change made there later gets a later version, even
-- when this side's clock is ahead (with no version, it would get one from its own clock, and could
-- be taken as older than the row it overwrites). One changelog row per version; rows that have
-- none, or whose version came from the other side (which has it already), go without.
-- Placeholders as in snapshot_chunk.sql, and ${versions}, ${v_join_n}, ${origin_lit}.
INSERT INTO ${changelog} (op, n, data, version)
SELECT 'U', count(*), json_agg(row_to_json(c.r)), c.version FROM (
    SELECT ${n} AS r, CASE WHEN v.cdc_origin = ${origin_lit} THEN v.cdc_version END AS version
    FROM json_populate_record(NULL::${table}, CAST(:after AS json)) k
    CROSS JOIN json_populate_record(NULL::${table}, CAST(:upto AS json)) u
    CROSS JOIN LATERAL (
        SELECT * FROM ${table} ${n} WHERE ${after} AND (${pk_n}) <= (${pk_u}) ORDER BY ${pk_n} FOR SHARE
    ) ${n}
    LEFT JOIN ${versions} v ON ${v_join_n}
) c
GROUP BY c.version
RETURNING n

-- Two-way sync: locks the rows a batch may change, in key order, before their versions
-- (read_versions.sql): the order in which the capture triggers of local writers take them.
-- Returns the place in :keys (from 1) of each key that has a row.
SELECT e.ord
FROM json_array_elements(CAST(:keys AS json)) WITH ORDINALITY AS e(j, ord)
CROSS JOIN LATERAL json_populate_record(NULL::${table}, e.j) AS k
JOIN ${table} AS t ON ${pk_match}
ORDER BY ${pk_t}
FOR UPDATE OF t

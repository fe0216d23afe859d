-- Two-way sync: the local rows of some keys (by their place in :keys, from 1), for the conflict log.
SELECT e.ord, row_to_json(t)::text AS row
FROM json_array_elements(CAST(:keys AS json)) WITH ORDINALITY AS e(j, ord)
CROSS JOIN LATERAL json_populate_record(NULL::${table}, e.j) AS k
JOIN ${table} AS t ON ${pk_match}

-- Two-way sync: the local version of each key of a batch (by its place in :keys, from 1), locked
-- until the batch commits, so no local writer changes them in between.
SELECT e.ord, v.cdc_version, v.cdc_origin
FROM json_array_elements(CAST(:keys AS json)) WITH ORDINALITY AS e(j, ord)
CROSS JOIN LATERAL json_populate_record(NULL::${versions}, e.j) AS k
JOIN ${versions} AS v ON ${v_match}
ORDER BY ${pk_v}
FOR UPDATE OF v

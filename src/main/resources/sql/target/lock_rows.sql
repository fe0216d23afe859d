-- Two-way sync: locks the rows a batch may change, in key order, before their versions
-- (read_versions.sql): the order in which the capture triggers of local writers take them.
SELECT 1 FROM ${table} AS t
JOIN json_populate_recordset(NULL::${table}, CAST(:keys AS json)) AS k ON ${pk_match}
ORDER BY ${pk_t}
FOR UPDATE OF t

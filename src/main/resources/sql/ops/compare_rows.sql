-- Each row of a table as its key (JSON) and a digest of its values, to compare a source table with its copy.
SELECT ${key} AS k, md5(ROW(${columns})::text) AS v FROM ${table} t

-- The key columns of the rows a truncate may delete, as the producer wrote them (the keys are recomputed).
SELECT row_to_json(k)::text FROM (SELECT ${key} FROM ${table} ${where}) k

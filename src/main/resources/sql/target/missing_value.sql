-- The value rows that existed when a column was added got (JSON text), as the column's type writes it.
SELECT r.v::text FROM json_to_record(json_build_object('v', CAST(:m AS json))) AS r(v ${type})

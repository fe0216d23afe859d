-- Two-way sync: the versions of the changes a batch applied (key columns, cdc_version, cdc_origin).
INSERT INTO ${versions} AS v (${pk}, cdc_version, cdc_origin)
SELECT ${pk}, cdc_version, cdc_origin FROM json_populate_recordset(NULL::${versions}, CAST(:rows AS json))
ON CONFLICT (${pk}) DO UPDATE SET cdc_version = EXCLUDED.cdc_version, cdc_origin = EXCLUDED.cdc_origin

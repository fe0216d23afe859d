-- Two-way sync: the version of a change applied (run as a batch, a row each).
INSERT INTO ${versions} (${key_columns}, cdc_version, cdc_origin) VALUES (${key_values}, ?, ?)
ON DUPLICATE KEY UPDATE cdc_version = VALUES(cdc_version), cdc_origin = VALUES(cdc_origin)

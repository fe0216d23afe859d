-- Removes capture from one table: triggers, functions, changelog and cursor row. The table and its
-- data are untouched. Same placeholders as capture.sql.
DROP TRIGGER IF EXISTS cdc_capture_insert ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_update ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_delete ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_truncate ON ${table};
DROP TRIGGER IF EXISTS cdc_two_way_no_truncate ON ${table};
DROP FUNCTION IF EXISTS ${fn_write}();
DROP FUNCTION IF EXISTS ${fn_delete}();
DROP FUNCTION IF EXISTS ${fn_truncate}();
DROP FUNCTION IF EXISTS ${fn_no_truncate}();
DROP TABLE IF EXISTS ${changelog};
DROP TABLE IF EXISTS ${retained};
DELETE FROM cdc.capture WHERE table_schema = ${schema_lit} AND table_name = ${table_lit};
DROP TABLE IF EXISTS ${versions};

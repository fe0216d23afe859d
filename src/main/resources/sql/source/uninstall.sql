-- Removes capture from one table: triggers, functions, changelog and cursor row. The table and its
-- data are untouched. Same placeholders as capture.sql and partitioned.sql.
DROP TRIGGER IF EXISTS cdc_capture_insert ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_update ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_delete ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_truncate ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_truncate_before ON ${table};
DROP TRIGGER IF EXISTS cdc_two_way_no_truncate ON ${table};
-- CASCADE: the same triggers on the partitions of a partitioned table (and on detached ones)
DROP FUNCTION IF EXISTS ${fn_write}() CASCADE;
DROP FUNCTION IF EXISTS ${fn_delete}() CASCADE;
DROP FUNCTION IF EXISTS ${fn_truncate}() CASCADE;
DROP FUNCTION IF EXISTS ${fn_truncate_before}() CASCADE;
DROP FUNCTION IF EXISTS ${fn_no_truncate}();
DROP FUNCTION IF EXISTS ${fn_partitions}(boolean);
DROP TABLE IF EXISTS ${changelog};
DROP TABLE IF EXISTS ${retained};
DELETE FROM cdc.capture WHERE table_schema = ${schema_lit} AND table_name = ${table_lit};
DROP TABLE IF EXISTS ${versions};

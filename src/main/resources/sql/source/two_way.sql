-- Two-way sync (cdc setup --two-way): the version of every row of the table on this side, so that
-- a change arriving from the other side can be compared with the row it would overwrite.
-- Placeholders as in capture.sql, and ${versions} (the table of versions), ${versions_key}
-- (the key columns with their types), ${pk} (the key columns), ${fn_no_truncate}.
--
-- A version is a time in microseconds since 1970 and the name of the side that made it. The
-- capture triggers (two_way_write.sql, two_way_delete.sql) give each statement's changes one
-- version: the clock, or one more than the highest version they overwrite when that is later
-- (another side's clock may be ahead), so a change is always later than what it replaced. A
-- deleted row keeps its version, so that a delete and a concurrent update compare too. The
-- changelog rows of the statement carry it (the version column's default reads what the trigger
-- set), and cdc produce puts it in the events. cdc consume, applying the other side's changes,
-- writes their versions here itself (its session has session_replication_role = replica, so the
-- triggers do not fire: nothing it applies is captured and sent back).
CREATE TABLE IF NOT EXISTS ${versions} (
    ${versions_key},
    cdc_version bigint NOT NULL,
    cdc_origin  text   NOT NULL,
    PRIMARY KEY (${pk})
);
ALTER TABLE ${changelog} ALTER COLUMN version SET DEFAULT nullif(current_setting('cdc.version', true), '')::bigint;

-- TRUNCATE removes rows without a trace of them, so it cannot follow the conflict rule: the other
-- side could not tell its own changes made meanwhile from the truncated rows, and the two sides
-- would part. A table in two-way sync refuses it; DELETE FROM the table instead (each deleted row
-- then has a version). cdc consume's session does not fire this trigger (replica).
CREATE OR REPLACE FUNCTION ${fn_no_truncate}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION 'cannot TRUNCATE %.%: the table is in two-way sync (cdc setup --two-way)', TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'feature_not_supported',
              HINT = 'DELETE FROM the table instead: each deleted row then follows the conflict rule on the other side';
END
$fn$;
DROP TRIGGER IF EXISTS cdc_two_way_no_truncate ON ${table};
CREATE TRIGGER cdc_two_way_no_truncate BEFORE TRUNCATE ON ${table}
    FOR EACH STATEMENT EXECUTE FUNCTION ${fn_no_truncate}();

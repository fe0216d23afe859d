-- Two-way sync (cdc setup --two-way): the version of every row of the table on this side, so that
-- a change arriving from the other side can be compared with the row it would overwrite.
-- Placeholders as in capture.sql, and ${versions} (the table of versions), ${versions_key}
-- (the key columns with their types), ${pk} (the key columns).
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

-- Two-way sync (cdc setup --two-way): the insert trigger of a table on a MySQL/MariaDB side. Each
-- row's change gets a version, later than the one it overwrites (a deleted row keeps its version
-- here, and another side's clock may be ahead): the statement's time in microseconds since 1970
-- (UTC), or one more than the row's last version. It goes into ${versions} with this side's name,
-- and with the change into the changelog; cdc produce puts it in the event, and the other side
-- compares it with its own version of the row (see sql/source/two_way.sql, the same rule on
-- PostgreSQL). The version is written first and then read back: the write sees the row's latest
-- version whatever the application's isolation (a plain read could see a snapshot older than a
-- change cdc consume applied meanwhile). cdc consume, applying the other side's changes, sets
-- @cdc_apply in its session: what it applies is not sent back (MySQL has no
-- session_replication_role), and it writes the versions itself.
-- Placeholders as trigger_insert.sql, and ${versions}, ${key_columns}, ${new_key} (NEW's key
-- values), ${new_key_match} (the versions row of NEW's key), ${now} (the statement's time, µs),
-- ${origin} (this side's name, a literal).
CREATE TRIGGER ${trigger} AFTER INSERT ON ${table} FOR EACH ROW
BEGIN
    DECLARE cdc_v BIGINT;
    IF @cdc_apply IS NULL THEN
        INSERT INTO ${versions} (${key_columns}, cdc_version, cdc_origin) VALUES (${new_key}, ${now}, ${origin})
        ON DUPLICATE KEY UPDATE cdc_version = GREATEST(${now}, cdc_version + 1), cdc_origin = ${origin};
        SELECT v.cdc_version INTO cdc_v FROM ${versions} v WHERE ${new_key_match};
        INSERT INTO ${changelog} (op, data, version) VALUES ('I', CONCAT('[', JSON_OBJECT(${new_row}), ']'), cdc_v);
    END IF;
END

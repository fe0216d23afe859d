-- Two-way sync: the delete trigger (see two_way_insert.sql). The deleted row's version stays in
-- ${versions}, so that the other side's change of it made meanwhile compares with the delete.
CREATE TRIGGER ${trigger} AFTER DELETE ON ${table} FOR EACH ROW
BEGIN
    DECLARE cdc_v BIGINT;
    IF @cdc_apply IS NULL THEN
        INSERT INTO ${versions} (${key_columns}, cdc_version, cdc_origin) VALUES (${old_key_values}, ${now}, ${origin})
        ON DUPLICATE KEY UPDATE cdc_version = GREATEST(${now}, cdc_version + 1), cdc_origin = ${origin};
        SELECT v.cdc_version INTO cdc_v FROM ${versions} v WHERE ${old_key_match};
        INSERT INTO ${changelog} (op, data, version) VALUES ('D', JSON_OBJECT(${old_key}), cdc_v);
    END IF;
END

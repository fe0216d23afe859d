-- Two-way sync: the update trigger (see two_way_insert.sql). A change of the key is the old key's
-- delete and the new row's insert, each with its key's version.
CREATE TRIGGER ${trigger} AFTER UPDATE ON ${table} FOR EACH ROW
BEGIN
    DECLARE cdc_v BIGINT;
    IF @cdc_apply IS NULL THEN
        IF ${key_changed} THEN
            INSERT INTO ${versions} (${key_columns}, cdc_version, cdc_origin) VALUES (${old_key_values}, ${now}, ${origin})
            ON DUPLICATE KEY UPDATE cdc_version = GREATEST(${now}, cdc_version + 1), cdc_origin = ${origin};
            SELECT v.cdc_version INTO cdc_v FROM ${versions} v WHERE ${old_key_match};
            INSERT INTO ${changelog} (op, data, version) VALUES ('D', JSON_OBJECT(${old_key}), cdc_v);
        END IF;
        INSERT INTO ${versions} (${key_columns}, cdc_version, cdc_origin) VALUES (${new_key}, ${now}, ${origin})
        ON DUPLICATE KEY UPDATE cdc_version = GREATEST(${now}, cdc_version + 1), cdc_origin = ${origin};
        SELECT v.cdc_version INTO cdc_v FROM ${versions} v WHERE ${new_key_match};
        INSERT INTO ${changelog} (op, data, version)
        VALUES (IF(${key_changed}, 'I', 'U'), CONCAT('[', JSON_OBJECT(${new_row}), ']'), cdc_v);
    END IF;
END

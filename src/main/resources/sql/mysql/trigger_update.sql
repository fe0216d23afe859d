-- A change of the key is the old key's delete and the new row's insert, in that order.
CREATE TRIGGER ${trigger} AFTER UPDATE ON ${table} FOR EACH ROW
BEGIN
    IF ${key_changed} THEN
        INSERT INTO ${changelog} (op, data) VALUES ('D', JSON_OBJECT(${old_key}));
        INSERT INTO ${changelog} (op, data) VALUES ('I', CONCAT('[', JSON_OBJECT(${new_row}), ']'));
    ELSE
        INSERT INTO ${changelog} (op, data) VALUES ('U', CONCAT('[', JSON_OBJECT(${new_row}), ']'));
    END IF;
END

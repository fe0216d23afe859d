CREATE TRIGGER ${trigger} AFTER DELETE ON ${table} FOR EACH ROW
INSERT INTO ${changelog} (op, data) VALUES ('D', JSON_OBJECT(${old_key}))

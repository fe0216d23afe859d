CREATE TRIGGER ${trigger} AFTER INSERT ON ${table} FOR EACH ROW
INSERT INTO ${changelog} (op, data) VALUES ('I', CONCAT('[', JSON_OBJECT(${new_row}), ']'))

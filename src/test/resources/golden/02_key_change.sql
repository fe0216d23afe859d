-- An UPDATE that changes the primary key is a delete of the old key, then the row under its new key;
-- a composite key is an object of every key column.
CREATE TABLE golden.stock (warehouse text, sku int, qty int NOT NULL, PRIMARY KEY (warehouse, sku));
-- capture
INSERT INTO golden.stock VALUES ('north', 1, 10), ('north', 2, 20);
UPDATE golden.stock SET sku = 3 WHERE warehouse = 'north' AND sku = 1;
UPDATE golden.stock SET warehouse = 'south', qty = qty + 1 WHERE sku = 2;
DELETE FROM golden.stock WHERE warehouse = 'north';

-> {"op":"c","table":"golden.stock","key":{"warehouse":"north","sku":1},"after":{"warehouse":"north","sku":1,"qty":10}}
-> {"op":"c","table":"golden.stock","key":{"warehouse":"north","sku":2},"after":{"warehouse":"north","sku":2,"qty":20}}
-> {"op":"d","table":"golden.stock","key":{"warehouse":"north","sku":1},"after":null}
-> {"op":"u","table":"golden.stock","key":{"warehouse":"north","sku":3},"after":{"warehouse":"north","sku":3,"qty":10}}
-> {"op":"d","table":"golden.stock","key":{"warehouse":"north","sku":2},"after":null}
-> {"op":"u","table":"golden.stock","key":{"warehouse":"south","sku":2},"after":{"warehouse":"south","sku":2,"qty":21}}
-> {"op":"d","table":"golden.stock","key":{"warehouse":"north","sku":3},"after":null}

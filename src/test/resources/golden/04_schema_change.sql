-- A column added while capture runs: before the first change that has it, the definition of the table is
-- announced (op s, sent to every partition, listed here once); changes written before keep their old shape.
CREATE TABLE golden.accounts (id int PRIMARY KEY, owner text NOT NULL);
-- capture
INSERT INTO golden.accounts VALUES (1, 'ann');
ALTER TABLE golden.accounts ADD COLUMN balance numeric(12, 2) NOT NULL DEFAULT 0;
INSERT INTO golden.accounts VALUES (2, 'bob', 12.50);
UPDATE golden.accounts SET balance = 3 WHERE id = 1;

-> {"op":"c","table":"golden.accounts","key":{"id":1},"after":{"id":1,"owner":"ann"}}
-> {"op":"s","table":"golden.accounts","columns":[{"name":"id","type":"integer","notNull":true,"generated":null,"enumSchema":null,"enumName":null,"enumLabels":[],"missing":null},{"name":"owner","type":"text","notNull":true,"generated":null,"enumSchema":null,"enumName":null,"enumLabels":[],"missing":null},{"name":"balance","type":"numeric(12,2)","notNull":true,"generated":null,"enumSchema":null,"enumName":null,"enumLabels":[],"missing":"0.00"}]}
-> {"op":"c","table":"golden.accounts","key":{"id":2},"after":{"id":2,"owner":"bob","balance":12.50}}
-> {"op":"u","table":"golden.accounts","key":{"id":1},"after":{"id":1,"owner":"ann","balance":3.00}}

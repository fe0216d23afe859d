-- Inserts, updates and deletes: one row per event, in commit order; a delete carries the key and no row.
-- A statement of several rows gives one event per row; NULL and the empty string stay apart.
CREATE TABLE golden.people (id int PRIMARY KEY, name text NOT NULL, city text);
-- capture
INSERT INTO golden.people VALUES (1, 'Ada', 'London');
INSERT INTO golden.people VALUES (2, 'Grace', NULL), (3, 'Edsger', '');
UPDATE golden.people SET city = 'Marylebone' WHERE id = 1;
UPDATE golden.people SET city = coalesce(city, '?') || '!' WHERE id IN (2, 3);
DELETE FROM golden.people WHERE id = 3;
BEGIN;
INSERT INTO golden.people VALUES (4, 'Barbara', 'Boston');
UPDATE golden.people SET name = 'Barbara L.' WHERE id = 4;
DELETE FROM golden.people WHERE id = 2;
COMMIT;
BEGIN;
INSERT INTO golden.people VALUES (5, 'rolled back', NULL);
ROLLBACK;

-> {"op":"c","table":"golden.people","key":{"id":1},"after":{"id":1,"name":"Ada","city":"London"}}
-> {"op":"c","table":"golden.people","key":{"id":2},"after":{"id":2,"name":"Grace","city":null}}
-> {"op":"c","table":"golden.people","key":{"id":3},"after":{"id":3,"name":"Edsger","city":""}}
-> {"op":"u","table":"golden.people","key":{"id":1},"after":{"id":1,"name":"Ada","city":"Marylebone"}}
-> {"op":"u","table":"golden.people","key":{"id":2},"after":{"id":2,"name":"Grace","city":"?!"}}
-> {"op":"u","table":"golden.people","key":{"id":3},"after":{"id":3,"name":"Edsger","city":"!"}}
-> {"op":"d","table":"golden.people","key":{"id":3},"after":null}
-> {"op":"c","table":"golden.people","key":{"id":4},"after":{"id":4,"name":"Barbara","city":"Boston"}}
-> {"op":"u","table":"golden.people","key":{"id":4},"after":{"id":4,"name":"Barbara L.","city":"Boston"}}
-> {"op":"d","table":"golden.people","key":{"id":2},"after":null}

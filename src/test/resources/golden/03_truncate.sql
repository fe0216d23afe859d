-- TRUNCATE is one event (it goes to every partition, listed here once) with the topic's partition count;
-- changes after it follow in order.
CREATE TABLE golden.queue (id bigint PRIMARY KEY, payload text);
-- capture
INSERT INTO golden.queue SELECT g, 'p' || g FROM generate_series(1, 3) g;
TRUNCATE golden.queue;
INSERT INTO golden.queue VALUES (10, 'after');

-> {"op":"c","table":"golden.queue","key":{"id":1},"after":{"id":1,"payload":"p1"}}
-> {"op":"c","table":"golden.queue","key":{"id":2},"after":{"id":2,"payload":"p2"}}
-> {"op":"c","table":"golden.queue","key":{"id":3},"after":{"id":3,"payload":"p3"}}
-> {"op":"t","table":"golden.queue","partitions":3}
-> {"op":"c","table":"golden.queue","key":{"id":10},"after":{"id":10,"payload":"after"}}

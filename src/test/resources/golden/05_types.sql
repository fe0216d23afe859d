-- Every common type keeps its value exactly: numeric digits, NaN and infinities, time zones, intervals,
-- bytea as hex, arrays, json as written and jsonb normalized, enums, uuid, multibyte text.
CREATE TYPE golden.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE golden.types (
    id smallint PRIMARY KEY,
    i integer, b bigint, n numeric(30, 10), r real, d double precision, ok boolean,
    t text, vc varchar(8), ch char(3),
    day date, tod time, ts timestamp, tstz timestamptz, span interval,
    u uuid, raw bytea, j json, jb jsonb, ints integer[], words text[], m golden.mood, ip inet);
-- capture
SET TimeZone = 'UTC';
SET IntervalStyle = 'postgres';
INSERT INTO golden.types VALUES (1, -2147483648, 9223372036854775807, 12345678901234567890.0123456789, 1.5, 0.1, true,
    'Zürich 東京 🎉 "quoted" \ back', 'abc', 'x', '2024-02-29', '23:59:59.999999', '1999-12-31 23:59:59.5',
    '2024-06-01 12:00:00+02', '1 year 2 mons 3 days 04:05:06.7', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x00ff10',
    '{"b": 1,  "a": [1, 2]}', '{"b": 1,  "a": [1, 2]}', '{1,NULL,3}', '{"a b","c,d"}', 'happy', '192.168.0.1/24');
INSERT INTO golden.types (id, n, r, d) VALUES (2, 'NaN', '-Infinity', 'Infinity');
INSERT INTO golden.types (id) VALUES (3);
UPDATE golden.types SET m = 'sad', words = '{}' WHERE id = 3;

-> {"op":"c","table":"golden.types","key":{"id":1},"after":{"id":1,"i":-2147483648,"b":9223372036854775807,"n":12345678901234567890.0123456789,"r":1.5,"d":0.1,"ok":true,"t":"Zürich 東京 🎉 \"quoted\" \\ back","vc":"abc","ch":"x  ","day":"2024-02-29","tod":"23:59:59.999999","ts":"1999-12-31T23:59:59.5","tstz":"2024-06-01T10:00:00+00:00","span":"1 year 2 mons 3 days 04:05:06.7","u":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","raw":"\\x00ff10","j":{"b":1,"a":[1,2]},"jb":{"a":[1,2],"b":1},"ints":[1,null,3],"words":["a b","c,d"],"m":"happy","ip":"192.168.0.1/24"}}
-> {"op":"c","table":"golden.types","key":{"id":2},"after":{"id":2,"i":null,"b":null,"n":"NaN","r":"-Infinity","d":"Infinity","ok":null,"t":null,"vc":null,"ch":null,"day":null,"tod":null,"ts":null,"tstz":null,"span":null,"u":null,"raw":null,"j":null,"jb":null,"ints":null,"words":null,"m":null,"ip":null}}
-> {"op":"c","table":"golden.types","key":{"id":3},"after":{"id":3,"i":null,"b":null,"n":null,"r":null,"d":null,"ok":null,"t":null,"vc":null,"ch":null,"day":null,"tod":null,"ts":null,"tstz":null,"span":null,"u":null,"raw":null,"j":null,"jb":null,"ints":null,"words":null,"m":null,"ip":null}}
-> {"op":"u","table":"golden.types","key":{"id":3},"after":{"id":3,"i":null,"b":null,"n":null,"r":null,"d":null,"ok":null,"t":null,"vc":null,"ch":null,"day":null,"tod":null,"ts":null,"tstz":null,"span":null,"u":null,"raw":null,"j":null,"jb":null,"ints":null,"words":[],"m":"sad","ip":null}}

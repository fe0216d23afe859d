-- The many-tables benchmark's schema: ${tables} tables of the same shape, t0001, t0002, ...
DO $$
BEGIN
    CREATE SCHEMA bench_many;
    FOR i IN 1..${tables} LOOP
        EXECUTE format('CREATE TABLE bench_many.t%s (id bigint PRIMARY KEY, v text)', lpad(i::text, 4, '0'));
    END LOOP;
END $$

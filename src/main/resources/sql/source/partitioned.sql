-- Capture of a partitioned table: its partitions, at every level, get the same statement-level
-- triggers as the table itself. A statement fires the statement-level triggers of the table it
-- names only: an INSERT into the table fires the table's (its transition table holds the rows of
-- every partition), an INSERT INTO a partition fires the partition's. Either way each change is
-- written once, to the table's changelog, keyed by the table's key.
-- Placeholders as in capture.sql, and ${fn_truncate_before}, ${fn_partitions}, ${root} (the table, as regclass),
-- ${member} (true when TG_RELID is the table or one of its partitions).
--
-- TRUNCATE of a partition removes its rows from the table: it is sent as a delete of each of them
-- (read before they go). TRUNCATE of the table is sent as a truncate; PostgreSQL also fires the
-- truncate triggers of each partition it empties, which then write nothing: the BEFORE trigger of
-- the table (or of a partition) truncated marks it in a transaction-local setting, and a
-- partition under a marked one knows its rows are covered; the AFTER trigger takes the mark away.
CREATE OR REPLACE FUNCTION ${fn_truncate_before}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp ${fn_settings} AS $fn$
DECLARE
    cdc_marks text := coalesce(current_setting('cdc.truncating', true), '');
BEGIN
    IF NOT ${member} THEN
        RETURN NULL; -- a partition detached since: its rows are no longer the table's
    END IF;
    IF EXISTS (SELECT FROM pg_partition_ancestors(TG_RELID) a
               WHERE a.relid <> TG_RELID AND strpos(cdc_marks, ',' || a.relid::oid || ',') > 0) THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('cdc.truncating', cdc_marks || ',' || TG_RELID::oid || ',', true);
    IF TG_RELID <> ${root} THEN
        EXECUTE $cdc_q$INSERT INTO ${changelog} (op, n, data)
            SELECT 'D', count(*), ${chunk_keys} FROM (
                SELECT ${o} AS r, sum(${old_key_size}) OVER (ROWS UNBOUNDED PRECEDING) / ${chunk_bytes} AS chunk
                FROM $cdc_q$ || TG_RELID::regclass::text || $cdc_q$ ${o}) c
            GROUP BY c.chunk$cdc_q$;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION ${fn_truncate}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM set_config('cdc.truncating',
                       replace(coalesce(current_setting('cdc.truncating', true), ''), ',' || TG_RELID::oid || ',', ''), true);
    IF TG_RELID = ${root} THEN
        INSERT INTO ${changelog} (op, n, data) VALUES ('T', 1, '{}');
    END IF;
    PERFORM pg_notify(${channel_lit}, '');
    RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS cdc_capture_truncate_before ON ${table};
CREATE TRIGGER cdc_capture_truncate_before BEFORE TRUNCATE ON ${table}
    FOR EACH STATEMENT EXECUTE FUNCTION ${fn_truncate_before}();
ALTER TABLE ${table} ENABLE ALWAYS TRIGGER cdc_capture_truncate_before; -- a partitioned table is never two-way

-- Gives every partition of the table that lacks them the capture triggers, and takes them from
-- tables no longer its partitions (detached). With copy, the rows a newly equipped partition
-- already holds are written to the changelog as updates: a table attached as a partition brings
-- its rows into the captured table (ATTACH locks it, so no write can come in between). Returns
-- how many partitions it equipped. Called by cdc setup and by the event trigger of
-- partition_ddl.sql (recorded in cdc.capture.partitions_fn).
CREATE OR REPLACE FUNCTION ${fn_partitions}(copy boolean) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp ${fn_settings} AS $fn$
DECLARE
    m regclass;
    t record;
    made integer := 0;
BEGIN
    IF current_setting('cdc.equipping', true) = 'on' THEN
        RETURN 0; -- called again by the event trigger, for the ALTER TABLE below
    END IF;
    PERFORM set_config('cdc.equipping', 'on', true);
    FOR m IN SELECT p.relid FROM pg_partition_tree(${root}) p
             WHERE p.relid <> ${root}
               AND NOT EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = p.relid AND g.tgname = 'cdc_capture_insert') LOOP
        FOR t IN SELECT g.tgname, g.tgfoid::regproc AS fn, g.tgenabled FROM pg_trigger g
                 WHERE g.tgrelid = ${root} AND g.tgname LIKE 'cdc\_capture\_%' LOOP
            EXECUTE format(CASE t.tgname
                WHEN 'cdc_capture_insert' THEN 'CREATE TRIGGER cdc_capture_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS cdc_new FOR EACH STATEMENT EXECUTE FUNCTION %s()'
                WHEN 'cdc_capture_update' THEN 'CREATE TRIGGER cdc_capture_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS cdc_old NEW TABLE AS cdc_new FOR EACH STATEMENT EXECUTE FUNCTION %s()'
                WHEN 'cdc_capture_delete' THEN 'CREATE TRIGGER cdc_capture_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS cdc_old FOR EACH STATEMENT EXECUTE FUNCTION %s()'
                WHEN 'cdc_capture_truncate' THEN 'CREATE TRIGGER cdc_capture_truncate AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION %s()'
                WHEN 'cdc_capture_truncate_before' THEN 'CREATE TRIGGER cdc_capture_truncate_before BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION %s()'
                END, m, t.fn);
            IF t.tgenabled = 'A' THEN -- fires ALWAYS, like the table's (see capture.sql)
                EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', m, t.tgname);
            END IF;
        END LOOP;
        IF copy AND (SELECT relkind FROM pg_class WHERE oid = m) = 'r' THEN
            EXECUTE $cdc_q$INSERT INTO ${changelog} (op, n, data)
                SELECT 'U', count(*), json_agg(row_to_json(c.r)) FROM (
                    SELECT ${o} AS r, sum(pg_column_size(${o})) OVER (ROWS UNBOUNDED PRECEDING) / ${chunk_bytes} AS chunk
                    FROM ONLY $cdc_q$ || m::text || $cdc_q$ ${o}) c
                GROUP BY c.chunk$cdc_q$;
        END IF;
        made := made + 1;
    END LOOP;
    FOR m IN SELECT g.tgrelid FROM pg_trigger g
             JOIN pg_trigger r ON r.tgrelid = ${root} AND r.tgname = 'cdc_capture_insert' AND r.tgfoid = g.tgfoid
             WHERE g.tgname = 'cdc_capture_insert' AND g.tgrelid NOT IN (SELECT relid FROM pg_partition_tree(${root})) LOOP
        FOR t IN SELECT g.tgname FROM pg_trigger g WHERE g.tgrelid = m AND g.tgname LIKE 'cdc\_capture\_%' LOOP
            EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, m);
        END LOOP;
    END LOOP;
    PERFORM set_config('cdc.equipping', '', true);
    RETURN made;
END
$fn$;
UPDATE cdc.capture SET partitions_fn = ${fn_partitions_lit} WHERE table_schema = ${schema_lit} AND table_name = ${table_lit};

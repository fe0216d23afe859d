-- Capture for one table: the changelog, four statement-level triggers and the cdc.capture row.
-- Placeholders: ${table} ${changelog} (quoted, schema-qualified names), ${schema_lit} ${table_lit}
-- ${changelog_schema_lit} ${changelog_name_lit} ${channel_lit} ${key_columns_lit} (literals), ${fn_write}
-- ${fn_delete} ${fn_truncate} (function names), ${columns_lit} (the columns, JSON), ${old_keys} / ${chunk_keys} (the keys of rows o / c.r as
-- {"column": [values]}), ${old_key_size} (bytes of o's key), ${pk_join} (o matches n by key),
-- ${chunk_bytes} (the most a changelog row holds, unless one row is bigger), ${n} ${o} (aliases of
-- the new and old rows that no column of the table is named like), two_way_write and
-- two_way_delete (empty, or for two-way sync the files of those names: the statement's version,
-- see two_way.sql), ${wake_lock} (the advisory
-- lock a busy producer holds), $member_check (empty, or for a partitioned table: return when the
-- trigger's table is no longer one of its partitions: member_check.sql), ${fn_settings} (see Capture.rowSettings: fixes the session settings
-- that would make a key's JSON text depend on the writer, e.g. TimeZone for a timestamptz key).
--
-- Statement-level triggers with transition tables write a whole statement's changes as one
-- changelog row (a JSON array), which costs a fraction of a row trigger or of a changelog row per
-- change. Rows are stored with row_to_json (JSON text: cheaper to write than jsonb, and json
-- columns keep their exact text). The changelog's seq
-- is taken while the writer holds the row lock, so two changes of one row always have increasing
-- seqs, and the later one commits later.
CREATE TABLE IF NOT EXISTS ${changelog} (
    seq  bigint GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
    txid xid8        NOT NULL DEFAULT pg_current_xact_id(),
    op   "char"      NOT NULL,               -- I insert, U update, D delete, T truncate
    at   timestamptz NOT NULL DEFAULT now(), -- start of the writing transaction
    n    integer     NOT NULL,               -- number of changes in data
    data json        NOT NULL,               -- I, U: [row, ...]; D: {"key column": [value, ...], ...}; T: {}
    version bigint                           -- two-way sync: the changes' version (see two_way.sql)
);
ALTER TABLE ${changelog} ADD COLUMN IF NOT EXISTS version bigint;
-- Chunks are written once and read once: compressing them costs more than it saves.
ALTER TABLE ${changelog} ALTER COLUMN data SET STORAGE EXTERNAL;

-- Published rows, moved here instead of deleted while cdc produce runs with --retain, and deleted
-- from here once older than that. Only the producer writes it; ordered by when rows were published.
CREATE TABLE IF NOT EXISTS ${retained} (
    published_at timestamptz NOT NULL DEFAULT now(),
    seq          bigint      NOT NULL,
    txid         xid8        NOT NULL,
    op           "char"      NOT NULL,
    at           timestamptz NOT NULL,
    n            integer     NOT NULL,
    data         json        NOT NULL,
    version      bigint,
    PRIMARY KEY (published_at, seq)
);
ALTER TABLE ${retained} ADD COLUMN IF NOT EXISTS version bigint;
ALTER TABLE ${retained} ALTER COLUMN data SET STORAGE EXTERNAL;

-- The functions run as their owner (SECURITY DEFINER, with a search_path no other role can write
-- to), so the roles that write the table need no right on the changelog, and cannot forge changes.
--
-- Each function writes a statement's rows as one changelog row, or as several chunks of at most
-- ${chunk_bytes} bytes when the statement changed more (a JSON value has a 1 GB limit, and the
-- producer holds a chunk in memory). A deleted row is sent as its key only, column by column.
-- A one-row statement, the most common, takes one query; the others first measure their size.
--
-- The producer holds the advisory lock (${wake_lock}) while it is busy: it reads again as soon as
-- it is done, and needs no NOTIFY, which would make PostgreSQL serialize the writers' commits.
-- While it is idle the lock is free and the triggers notify it. Testing the lock is a plain
-- expression (no query), the cheapest check there is.

-- Inserted and updated rows. An UPDATE that changed a key: the old key no longer exists, so it is
-- sent as a delete first.
CREATE OR REPLACE FUNCTION ${fn_write}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp ${fn_settings} AS $fn$
#variable_conflict use_variable
DECLARE
    cdc_rows bigint;
    cdc_bytes bigint;
    cdc_op "char" := CASE TG_OP WHEN 'INSERT' THEN 'I' ELSE 'U' END;
    cdc_version bigint;
BEGIN
${member_check}${two_way_write}    IF TG_OP = 'UPDATE' THEN
        INSERT INTO ${changelog} (op, n, data)
        SELECT 'D', count(*), ${old_keys} FROM cdc_old ${o} WHERE NOT EXISTS (SELECT FROM cdc_new ${n} WHERE ${pk_join})
        HAVING count(*) > 0;
    END IF;
    INSERT INTO ${changelog} (op, n, data)
    SELECT cdc_op, 1, json_build_array(row_to_json(s.r)) FROM (
        SELECT ${n} AS r, count(*) OVER () AS c FROM (SELECT * FROM cdc_new LIMIT 2) ${n}) s
    WHERE s.c = 1;
    GET DIAGNOSTICS cdc_rows = ROW_COUNT;
    IF cdc_rows = 0 THEN
        SELECT count(*), sum(pg_column_size(${n})) INTO cdc_rows, cdc_bytes FROM cdc_new ${n};
        IF cdc_rows = 0 THEN
            RETURN NULL;
        ELSIF cdc_bytes <= ${chunk_bytes} THEN
            INSERT INTO ${changelog} (op, n, data) SELECT cdc_op, cdc_rows, json_agg(row_to_json(${n})) FROM cdc_new ${n};
        ELSE
            INSERT INTO ${changelog} (op, n, data)
            SELECT cdc_op, count(*), json_agg(row_to_json(c.r)) FROM (
                SELECT ${n} AS r, sum(pg_column_size(${n})) OVER (ROWS UNBOUNDED PRECEDING) / ${chunk_bytes} AS chunk
                FROM cdc_new ${n}) c
            GROUP BY c.chunk;
        END IF;
    END IF;
    IF pg_try_advisory_lock_shared(${wake_lock}) AND pg_advisory_unlock_shared(${wake_lock}) THEN
        PERFORM pg_notify(${channel_lit}, '');
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION ${fn_delete}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp ${fn_settings} AS $fn$
#variable_conflict use_variable
DECLARE
    cdc_rows bigint;
    cdc_bytes bigint;
    cdc_version bigint;
BEGIN
${member_check}${two_way_delete}    SELECT count(*), sum(${old_key_size}) INTO cdc_rows, cdc_bytes FROM cdc_old ${o};
    IF cdc_rows = 0 THEN
        RETURN NULL;
    ELSIF cdc_bytes <= ${chunk_bytes} THEN
        INSERT INTO ${changelog} (op, n, data) SELECT 'D', cdc_rows, ${old_keys} FROM cdc_old ${o};
    ELSE
        INSERT INTO ${changelog} (op, n, data)
        SELECT 'D', count(*), ${chunk_keys} FROM (
            SELECT ${o} AS r, sum(${old_key_size}) OVER (ROWS UNBOUNDED PRECEDING) / ${chunk_bytes} AS chunk
            FROM cdc_old ${o}) c
        GROUP BY c.chunk;
    END IF;
    IF pg_try_advisory_lock_shared(${wake_lock}) AND pg_advisory_unlock_shared(${wake_lock}) THEN
        PERFORM pg_notify(${channel_lit}, '');
    END IF;
    RETURN NULL;
END
$fn$;

-- TRUNCATE holds an exclusive lock on the table until it commits: the changes before it have lower
-- seqs, and the changes after it commit later and take higher ones. It is rare: it always notifies.
CREATE OR REPLACE FUNCTION ${fn_truncate}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    INSERT INTO ${changelog} (op, n, data) VALUES ('T', 1, '{}');
    PERFORM pg_notify(${channel_lit}, '');
    RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS cdc_capture_insert ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_update ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_delete ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_truncate ON ${table};
CREATE TRIGGER cdc_capture_insert AFTER INSERT ON ${table}
    REFERENCING NEW TABLE AS cdc_new FOR EACH STATEMENT EXECUTE FUNCTION ${fn_write}();
CREATE TRIGGER cdc_capture_update AFTER UPDATE ON ${table}
    REFERENCING OLD TABLE AS cdc_old NEW TABLE AS cdc_new FOR EACH STATEMENT EXECUTE FUNCTION ${fn_write}();
CREATE TRIGGER cdc_capture_delete AFTER DELETE ON ${table}
    REFERENCING OLD TABLE AS cdc_old FOR EACH STATEMENT EXECUTE FUNCTION ${fn_delete}();
CREATE TRIGGER cdc_capture_truncate AFTER TRUNCATE ON ${table}
    FOR EACH STATEMENT EXECUTE FUNCTION ${fn_truncate}();
-- (A one-way capture's triggers then fire ALWAYS: fire_always.sql.)
-- cdc setup makes the target table match these columns, so they count as announced.
INSERT INTO cdc.capture (table_schema, table_name, changelog_schema, changelog_name, topic, columns, origin, key_columns)
VALUES (${schema_lit}, ${table_lit}, ${changelog_schema_lit}, ${changelog_name_lit}, ${topic_lit}, ${columns_lit}, ${origin_lit},
        ${key_columns_lit})
ON CONFLICT (table_schema, table_name) DO UPDATE SET topic = EXCLUDED.topic, columns = EXCLUDED.columns,
                                                     origin = EXCLUDED.origin, key_columns = EXCLUDED.key_columns;

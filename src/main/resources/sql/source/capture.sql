-- Capture for one table: the changelog, three statement-level triggers and the cdc.capture row.
-- Placeholders: ${table} ${changelog} (quoted, schema-qualified names), ${schema_lit} ${table_lit}
-- ${changelog_schema_lit} ${changelog_name_lit} ${channel_lit} (literals), ${fn_insert} ${fn_update}
-- ${fn_delete} (function names), ${old_key} (json key of row o), ${pk_join} (o matches n by key).
--
-- Statement-level triggers with transition tables write a whole statement's changes with one
-- INSERT ... SELECT, about half the cost of a row trigger. Rows are stored with row_to_json (JSON
-- text: cheaper to write than jsonb, and json columns keep their exact text). The changelog's seq
-- is taken while the writer holds the row lock, so two changes of one row always have increasing
-- seqs, and the later one commits later.
CREATE TABLE IF NOT EXISTS ${changelog} (
    seq  bigint GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
    txid xid8        NOT NULL DEFAULT pg_current_xact_id(),
    op   "char"      NOT NULL,              -- I insert, U update (data: the new row), D delete (data: the key)
    at   timestamptz NOT NULL DEFAULT now(), -- start of the writing transaction
    data json        NOT NULL               -- row_to_json: the row as JSON text, cheaper to write than jsonb
);

CREATE OR REPLACE FUNCTION ${fn_insert}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE written bigint;
BEGIN
    INSERT INTO ${changelog} (op, data) SELECT 'I', row_to_json(n) FROM cdc_new n;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written > 0 AND (SELECT wake FROM cdc.capture
                        WHERE table_schema = ${schema_lit} AND table_name = ${table_lit}) IS NOT FALSE THEN
        PERFORM pg_notify(${channel_lit}, '');
    END IF;
    RETURN NULL;
END
$fn$;

-- An UPDATE that changed a key: the old key no longer exists, so it is sent as a delete first.
CREATE OR REPLACE FUNCTION ${fn_update}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE written bigint;
BEGIN
    INSERT INTO ${changelog} (op, data)
    SELECT 'D', ${old_key} FROM cdc_old o WHERE NOT EXISTS (SELECT FROM cdc_new n WHERE ${pk_join});
    INSERT INTO ${changelog} (op, data) SELECT 'U', row_to_json(n) FROM cdc_new n;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written > 0 AND (SELECT wake FROM cdc.capture
                        WHERE table_schema = ${schema_lit} AND table_name = ${table_lit}) IS NOT FALSE THEN
        PERFORM pg_notify(${channel_lit}, '');
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION ${fn_delete}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE written bigint;
BEGIN
    INSERT INTO ${changelog} (op, data) SELECT 'D', ${old_key} FROM cdc_old o;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written > 0 AND (SELECT wake FROM cdc.capture
                        WHERE table_schema = ${schema_lit} AND table_name = ${table_lit}) IS NOT FALSE THEN
        PERFORM pg_notify(${channel_lit}, '');
    END IF;
    RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS cdc_capture_insert ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_update ON ${table};
DROP TRIGGER IF EXISTS cdc_capture_delete ON ${table};
CREATE TRIGGER cdc_capture_insert AFTER INSERT ON ${table}
    REFERENCING NEW TABLE AS cdc_new FOR EACH STATEMENT EXECUTE FUNCTION ${fn_insert}();
CREATE TRIGGER cdc_capture_update AFTER UPDATE ON ${table}
    REFERENCING OLD TABLE AS cdc_old NEW TABLE AS cdc_new FOR EACH STATEMENT EXECUTE FUNCTION ${fn_update}();
CREATE TRIGGER cdc_capture_delete AFTER DELETE ON ${table}
    REFERENCING OLD TABLE AS cdc_old FOR EACH STATEMENT EXECUTE FUNCTION ${fn_delete}();

INSERT INTO cdc.capture (table_schema, table_name, changelog_schema, changelog_name)
VALUES (${schema_lit}, ${table_lit}, ${changelog_schema_lit}, ${changelog_name_lit})
ON CONFLICT (table_schema, table_name) DO NOTHING;

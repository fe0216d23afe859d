-- Bookkeeping on the target: per consumer group and partition, the next Kafka offset to apply
-- (applied_offsets), and per source and capture epoch the position (epoch, window, seq, idx) of the
-- last applied event (applied_positions, below; before it existed, in applied_offsets: the columns
-- for a source without a name, "sources" for named ones, still read). Both are written in the
-- transaction that applies the rows, so a crash at any instant neither skips nor repeats a change.
CREATE SCHEMA IF NOT EXISTS cdc;

CREATE TABLE IF NOT EXISTS cdc.applied_offsets (
    group_id    text        NOT NULL,
    topic       text        NOT NULL,
    partition   integer     NOT NULL,
    next_offset bigint      NOT NULL DEFAULT -1, -- -1: nothing applied yet
    epoch       text,
    window_id   bigint,
    seq         bigint,
    idx         integer     NOT NULL DEFAULT 0,
    applied     bigint      NOT NULL DEFAULT 0,
    sources     jsonb       NOT NULL DEFAULT '{}',
    topic_id    text,                            -- Kafka's id of the topic the offset is in: a topic
                                                 -- deleted and created again has another one
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, partition)
);

-- Installs made before a column existed get it here.
ALTER TABLE cdc.applied_offsets ADD COLUMN IF NOT EXISTS idx integer NOT NULL DEFAULT 0;
ALTER TABLE cdc.applied_offsets ADD COLUMN IF NOT EXISTS sources jsonb NOT NULL DEFAULT '{}';
ALTER TABLE cdc.applied_offsets ADD COLUMN IF NOT EXISTS topic_id text;

-- The source position of the last event applied, per consumer group, partition, source (''
-- for a producer without --source-name) and capture epoch: a topic that carries the changes of
-- many tables (each capture has its epoch and its own positions) recognizes a republished event
-- of any of them. Written with the offsets; positions stored in applied_offsets before this table
-- existed are still read, for the epochs this table has no row of.
CREATE TABLE IF NOT EXISTS cdc.applied_positions (
    group_id  text    NOT NULL,
    topic     text    NOT NULL,
    partition integer NOT NULL,
    source    text    NOT NULL,
    epoch     text    NOT NULL,
    window_id bigint  NOT NULL,
    seq       bigint  NOT NULL,
    idx       integer NOT NULL,
    PRIMARY KEY (group_id, topic, partition, source, epoch)
);
-- Roles granted the offsets before this table existed (setup --consumer-role) get it too.
DO $$
DECLARE
    r regrole;
BEGIN
    FOR r IN SELECT DISTINCT a.grantee::regrole
             FROM pg_class c, aclexplode(c.relacl) a
             WHERE c.oid = 'cdc.applied_offsets'::regclass AND a.privilege_type = 'UPDATE'
               AND a.grantee <> 0 AND a.grantee <> c.relowner LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON cdc.applied_positions TO %s', r);
    END LOOP;
END $$;

-- The topics consume applies, and the tables each one feeds (several for a topic that cdc setup
-- gave many tables); written by cdc setup. A consolidated table (cdc setup --consolidate-into)
-- takes the rows of several sources, keyed by source name.
CREATE TABLE IF NOT EXISTS cdc.subscriptions (
    topic        text NOT NULL,
    table_schema text NOT NULL,
    table_name   text NOT NULL,
    consolidated boolean NOT NULL DEFAULT false,
    versions     text, -- two-way sync: the table of this side's row versions (see source/two_way.sql)
    key_columns  json, -- two-way sync: the columns that relate rows across sides (JSON array; null: the
                       -- primary key); the other primary key columns are this side's own
    other_table  text  -- two-way sync: the name ("schema.table") the other side's events give the table,
                       -- when it has another name there (a legacy film, a service's catalogue); null: the same
);
ALTER TABLE cdc.subscriptions ADD COLUMN IF NOT EXISTS consolidated boolean NOT NULL DEFAULT false;
ALTER TABLE cdc.subscriptions ADD COLUMN IF NOT EXISTS versions text;
ALTER TABLE cdc.subscriptions ADD COLUMN IF NOT EXISTS key_columns json;
ALTER TABLE cdc.subscriptions ADD COLUMN IF NOT EXISTS other_table text;
-- Installs made when a topic fed one table had the topic alone as the key.
DO $$
DECLARE
    pkey name;
BEGIN
    SELECT c.conname INTO pkey FROM pg_constraint c
    WHERE c.conrelid = 'cdc.subscriptions'::regclass AND c.contype = 'p' AND cardinality(c.conkey) < 3;
    IF pkey IS NOT NULL THEN
        EXECUTE format('ALTER TABLE cdc.subscriptions DROP CONSTRAINT %I', pkey);
    END IF;
    IF NOT EXISTS (SELECT FROM pg_constraint WHERE conrelid = 'cdc.subscriptions'::regclass AND contype = 'p') THEN
        ALTER TABLE cdc.subscriptions ADD PRIMARY KEY (topic, table_schema, table_name);
    END IF;
END $$;

-- Two-way sync: every conflict, with both versions. A conflict is a change from the other side
-- that lost against a change made here that it did not know of (the later version wins; on a tie
-- the side whose name sorts first): the local row was kept, the incoming one dropped. The other
-- side, receiving the local change, simply applies it (it is the later one), so each conflict is
-- recorded once, here, in the transaction that applied the batch.
CREATE TABLE IF NOT EXISTS cdc.conflicts (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    detected_at      timestamptz NOT NULL DEFAULT now(),
    group_id         text        NOT NULL,
    topic            text        NOT NULL,
    table_name       text        NOT NULL,
    key              json        NOT NULL,
    local_origin     text        NOT NULL,
    local_version    bigint      NOT NULL, -- microseconds since 1970
    local_row        json,                 -- null: deleted here
    incoming_origin  text        NOT NULL,
    incoming_version bigint      NOT NULL,
    incoming_row     json                  -- null: a delete
);

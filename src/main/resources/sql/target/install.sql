-- Bookkeeping on the target: per consumer group and partition, the next Kafka offset to apply and
-- the source position (epoch, window, seq, idx) of the last applied event; of named sources
-- (cdc produce --source-name), several of which may share a topic, in "sources" by name. Both are written in the
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
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, partition)
);

-- Installs made before a column existed get it here.
ALTER TABLE cdc.applied_offsets ADD COLUMN IF NOT EXISTS idx integer NOT NULL DEFAULT 0;
ALTER TABLE cdc.applied_offsets ADD COLUMN IF NOT EXISTS sources jsonb NOT NULL DEFAULT '{}';

-- The topics consume applies, and the table each one feeds; written by cdc setup. A consolidated
-- table (cdc setup --consolidate-into) takes the rows of several sources, keyed by source name.
CREATE TABLE IF NOT EXISTS cdc.subscriptions (
    topic        text PRIMARY KEY,
    table_schema text NOT NULL,
    table_name   text NOT NULL,
    consolidated boolean NOT NULL DEFAULT false
);
ALTER TABLE cdc.subscriptions ADD COLUMN IF NOT EXISTS consolidated boolean NOT NULL DEFAULT false;

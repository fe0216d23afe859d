-- Bookkeeping on the target: per consumer group and partition, the next Kafka offset to apply and
-- the source position (epoch, window, seq) of the last applied event. Both are written in the
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
    applied     bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, partition)
);

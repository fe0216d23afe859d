-- Bookkeeping on the source: one row per captured table, holding the producer's cursor.
--
-- The cursor moves from one snapshot to the next (PgQ's batch windows): a window is the set of
-- transactions visible in cur_snap and not in prev_snap. Every committed transaction falls in
-- exactly one window, whatever order transactions commit in; rolled-back ones never appear.
-- Rows are deleted from the changelog in the transaction that moves the cursor past them, after
-- Kafka acknowledged them, so every visible changelog row is an unpublished one.
--
-- NOTIFY makes PostgreSQL serialize the commits of the transactions that send it, which costs
-- concurrent writers half their throughput; so the triggers notify only while the producer is
-- idle, and a busy producer, which reads again as soon as it is done, is not notified (it holds
-- an advisory lock while busy; see capture.sql).
CREATE SCHEMA IF NOT EXISTS cdc;

CREATE TABLE IF NOT EXISTS cdc.capture (
    table_schema     text        NOT NULL,
    table_name       text        NOT NULL,
    changelog_schema text        NOT NULL,
    changelog_name   text        NOT NULL,
    epoch            uuid        NOT NULL DEFAULT gen_random_uuid(), -- new for every install: tells a
                                                                     -- consumer that positions restarted
    window_id        bigint      NOT NULL DEFAULT 0,     -- number of the window cur_snap opened
    prev_snap        pg_snapshot NOT NULL DEFAULT '1:1:', -- all of its transactions are in Kafka
    cur_snap         pg_snapshot,                         -- window being published; NULL: none open
    cur_max_seq      bigint,                              -- no row of the open window has a higher seq
    last_seq         bigint      NOT NULL DEFAULT 0,      -- open window published up to this seq
    published        bigint      NOT NULL DEFAULT 0,      -- events published since install
    published_at     timestamptz,
    installed_at     timestamptz NOT NULL DEFAULT now(),
    topic            text,                                -- Kafka topic of its events
    columns          json,                                -- the table's columns as last announced on
                                                          -- the topic (a schema event), see Table.Column
    origin           text,                                -- two-way sync: this side's name (cdc setup
                                                          -- --two-way), the default of --source-name
    key_columns      json,                                -- two-way sync: the columns that relate rows
                                                          -- across sides (JSON array; null: the primary key)
    PRIMARY KEY (table_schema, table_name)
);

-- Installs made before a column existed get it here.
ALTER TABLE cdc.capture ADD COLUMN IF NOT EXISTS topic text;
ALTER TABLE cdc.capture ADD COLUMN IF NOT EXISTS columns json;
ALTER TABLE cdc.capture ADD COLUMN IF NOT EXISTS origin text;
ALTER TABLE cdc.capture ADD COLUMN IF NOT EXISTS key_columns json;


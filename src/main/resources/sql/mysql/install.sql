-- cdc's bookkeeping on a MySQL/MariaDB source: one row per captured table with its cursor.
-- The cursor cannot be a transaction snapshot as on PostgreSQL (MySQL has none to store): it is a
-- high-water mark over the changelog's AUTO_INCREMENT seq, and the open window's seqs (see
-- MySqlCursor: a row at or below the mark that is still in the changelog committed late).
CREATE TABLE IF NOT EXISTS cdc.capture (
    table_schema   VARCHAR(64)  NOT NULL,
    table_name     VARCHAR(64)  NOT NULL,
    changelog_name VARCHAR(64)  NOT NULL,
    epoch          CHAR(36)     NOT NULL,                 -- new for every install: positions restart
    window_id      BIGINT       NOT NULL DEFAULT 0,       -- number of the last window opened (µs)
    hw             BIGINT       NOT NULL DEFAULT 0,       -- the rows up to here that were committed
                                                          -- when read are published
    win_hi         BIGINT       NULL,                     -- open window: hw when it closes; NULL: none
    win_runs       LONGTEXT     NULL,                     -- its seqs: JSON [[from, to], ...]
    last_seq       BIGINT       NOT NULL DEFAULT 0,       -- open window published up to this seq
    published      BIGINT       NOT NULL DEFAULT 0,
    topic          VARCHAR(249) NULL,
    columns        LONGTEXT     NULL,                     -- the columns as last announced on the topic
    partitions     INT          NULL,                     -- the topic's partitions the events are keyed for
    origin         VARCHAR(100) NULL,                     -- two-way sync: this side's name; NULL: one-way
    key_columns    LONGTEXT     NULL,                     -- the columns events are keyed by (JSON; see PostgreSQL's)
    PRIMARY KEY (table_schema, table_name)
) ENGINE = InnoDB

-- cdc's bookkeeping on a MySQL/MariaDB source: one row per captured table with its cursor.
-- The cursor cannot be a transaction snapshot as on PostgreSQL (MySQL has none to store), so it
-- is a high-water mark over the changelog's AUTO_INCREMENT seq plus the gaps below it: a seq
-- taken by a transaction that had not committed when the rows above it were read (or that rolled
-- back). See MySqlCursor for the rule that tells a dead gap from a late commit.
CREATE TABLE IF NOT EXISTS cdc.capture (
    table_schema   VARCHAR(64)  NOT NULL,
    table_name     VARCHAR(64)  NOT NULL,
    changelog_name VARCHAR(64)  NOT NULL,
    epoch          CHAR(36)     NOT NULL,                 -- new for every install: positions restart
    window_id      BIGINT       NOT NULL DEFAULT 0,       -- number of the last window opened (µs)
    hw             BIGINT       NOT NULL DEFAULT 0,       -- every seq up to here is published,
                                                          -- was never committed, or is a gap
    gaps           LONGTEXT     NOT NULL,                 -- JSON [[seq, seen_at µs], ...]: seqs up
                                                          -- to hw not seen committed yet
    win_hi         BIGINT       NULL,                     -- open window: the seqs in (hw, win_hi]
    win_gaps       LONGTEXT     NULL,                     -- but these (JSON, as gaps),
    win_fills      LONGTEXT     NULL,                     -- and these gaps, committed since (JSON)
    last_seq       BIGINT       NOT NULL DEFAULT 0,       -- open window published up to this seq
    published      BIGINT       NOT NULL DEFAULT 0,
    topic          VARCHAR(249) NULL,
    columns        LONGTEXT     NULL,                     -- the columns as last announced on the topic
    partitions     INT          NULL,                     -- the topic's partitions the events are keyed for
    PRIMARY KEY (table_schema, table_name)
) ENGINE = InnoDB

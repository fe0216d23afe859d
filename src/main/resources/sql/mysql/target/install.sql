-- cdc's bookkeeping on a MySQL/MariaDB target, in the cdc database: which topic feeds which table,
-- and per consumer group, topic and partition the next offset to apply, written in the transaction
-- that applies the rows (so a crash neither skips nor repeats a change), with per source and
-- capture epoch the position of the last event applied. Names are ASCII (topics, epochs) or
-- bounded so that every key fits InnoDB's 3,072 bytes. One statement per line-ending ';'.
CREATE DATABASE IF NOT EXISTS cdc CHARACTER SET utf8mb4;
CREATE TABLE IF NOT EXISTS cdc.subscriptions (
    topic        VARCHAR(249) CHARACTER SET ascii NOT NULL,
    table_schema VARCHAR(64)  NOT NULL,
    table_name   VARCHAR(64)  NOT NULL,
    consolidated BOOLEAN      NOT NULL DEFAULT FALSE,
    versions     VARCHAR(200) NULL,           -- two-way sync: this side's table of row versions
    key_columns  LONGTEXT     NULL,           -- two-way sync: the columns rows are related by (JSON)
    other_table  VARCHAR(130) NULL,           -- two-way sync: the table's name ("schema.table") in the
                                              -- other side's events, when it differs; null: the same
    PRIMARY KEY (topic, table_schema, table_name)
) ENGINE = InnoDB;
CREATE TABLE IF NOT EXISTS cdc.applied_offsets (
    group_id    VARCHAR(200) NOT NULL,
    topic       VARCHAR(249) CHARACTER SET ascii NOT NULL,
    `partition` INT          NOT NULL,
    next_offset BIGINT       NOT NULL DEFAULT -1,  -- -1: nothing applied yet
    applied     BIGINT       NOT NULL DEFAULT 0,
    topic_id    VARCHAR(64)  CHARACTER SET ascii NULL, -- Kafka's id of the topic the offset is in
    updated_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (group_id, topic, `partition`)
) ENGINE = InnoDB;
CREATE TABLE IF NOT EXISTS cdc.applied_positions (
    group_id    VARCHAR(200) NOT NULL,
    topic       VARCHAR(249) CHARACTER SET ascii NOT NULL,
    `partition` INT          NOT NULL,
    source      VARCHAR(200) NOT NULL,
    epoch       VARCHAR(64)  CHARACTER SET ascii NOT NULL,
    window_id   BIGINT       NOT NULL,
    seq         BIGINT       NOT NULL,
    idx         INT          NOT NULL,
    PRIMARY KEY (group_id, topic, `partition`, source, epoch)
) ENGINE = InnoDB;
-- Two-way sync: the changes from the other side that lost against a change made here that it did
-- not know of (see sql/target/install.sql, the same table on PostgreSQL).
CREATE TABLE IF NOT EXISTS cdc.conflicts (
    id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    detected_at      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    group_id         VARCHAR(200) NOT NULL,
    topic            VARCHAR(249) CHARACTER SET ascii NOT NULL,
    table_name       VARCHAR(200) NOT NULL,
    `key`            LONGTEXT     NOT NULL, -- JSON
    local_origin     VARCHAR(100) NOT NULL,
    local_version    BIGINT       NOT NULL, -- microseconds since 1970
    local_row        LONGTEXT     NULL,     -- JSON; NULL: deleted here
    incoming_origin  VARCHAR(100) NOT NULL,
    incoming_version BIGINT       NOT NULL,
    incoming_row     LONGTEXT     NULL      -- JSON; NULL: a delete
) ENGINE = InnoDB;

-- A captured table's changelog: one row per change, written by the capture triggers in the
-- writing transaction. data: I and U a JSON array of the row; D the key, {"col": [value]}.
-- version: two-way sync, the change's version (two_way_insert.sql); else NULL.
CREATE TABLE IF NOT EXISTS ${changelog} (
    seq  BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    op   CHAR(1)      NOT NULL,
    n    INT          NOT NULL DEFAULT 1,
    data LONGTEXT     NOT NULL,
    at   TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    version BIGINT    NULL
) ENGINE = InnoDB

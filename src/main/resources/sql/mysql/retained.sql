-- Published rows, moved here instead of deleted while cdc produce runs with --retain, and deleted
-- from here once older than that (published_at, UTC). Only the producer writes it; never published again.
CREATE TABLE IF NOT EXISTS ${retained} (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    published_at DATETIME(6)  NOT NULL,
    seq          BIGINT       NOT NULL,
    op           CHAR(1)      NOT NULL,
    n            INT          NOT NULL,
    data         LONGTEXT     NOT NULL,
    at           TIMESTAMP(6) NOT NULL,
    version      BIGINT       NULL,
    KEY (published_at)
) ENGINE = InnoDB

-- Two-way sync: the version of every row of the table on this side (see two_way_insert.sql), by
-- the columns rows are related by, typed and collated as in the table (${versions_key}).
CREATE TABLE IF NOT EXISTS ${versions} (
    ${versions_key},
    cdc_version BIGINT      NOT NULL,
    cdc_origin  VARCHAR(100) NOT NULL,
    PRIMARY KEY (${key_columns})
) ENGINE = InnoDB

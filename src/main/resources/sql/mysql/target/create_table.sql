-- A target table created from the source's definition (types: MySqlTargetTable).
CREATE TABLE ${table} (
    ${columns},
    PRIMARY KEY (${pk})
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4

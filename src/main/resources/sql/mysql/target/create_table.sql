-- A target table created from the source's definition (types: MySqlTargetTable), its text compared
-- byte for byte, without padding (the collation: utf8mb4_nopad_bin on MariaDB, utf8mb4_0900_bin on MySQL).
CREATE TABLE ${table} (
    ${columns},
    PRIMARY KEY (${pk})
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE ${collation}

-- A target table from the source's definition: columns, types, NOT NULLs and primary key.
CREATE TABLE ${table} (
    ${columns},
    PRIMARY KEY (${pk})
)

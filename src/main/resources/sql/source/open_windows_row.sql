(${i}, ${schema_lit}, ${table_lit}, (SELECT max(seq) FROM ${changelog}))

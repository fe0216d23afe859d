-- The columns of a table, in order: name, SQL type as PostgreSQL writes it, NOT NULL, and for a
-- column of an enum type (or an array of one) the enum's schema, name and labels, so that the
-- target can create the same type. Generated columns are left out: the target computes its own.
SELECT a.attname                                   AS name,
       format_type(a.atttypid, a.atttypmod)        AS type,
       a.attnotnull                                AS not_null,
       CASE WHEN e.typtype = 'e' THEN en.nspname END AS enum_schema,
       CASE WHEN e.typtype = 'e' THEN e.typname END  AS enum_name,
       CASE WHEN e.typtype = 'e' THEN (SELECT array_agg(l.enumlabel ORDER BY l.enumsortorder)
                                       FROM pg_enum l WHERE l.enumtypid = e.oid) END AS enum_labels
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type e ON e.oid = CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem ELSE t.oid END
JOIN pg_namespace en ON en.oid = e.typnamespace
WHERE n.nspname = :schema AND c.relname = :name AND c.relkind IN ('r', 'p')
  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
ORDER BY a.attnum

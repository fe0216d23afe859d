-- The columns of a table, in order: name, SQL type as PostgreSQL writes it, NOT NULL, for a
-- generated column its GENERATED clause (the target computes the same value), for a column of an enum type (or an
-- array of one) the enum's schema, name and labels, so that the target can create the same type,
-- and the value rows that existed when the column was added got (JSON; see Table.Column.missing).
SELECT a.attname                                   AS name,
       format_type(a.atttypid, a.atttypmod)        AS type,
       a.attnotnull                                AS not_null,
       CASE a.attgenerated WHEN 's' THEN 'GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED'
                           WHEN 'v' THEN 'GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') VIRTUAL'
       END                                         AS generated,
       CASE WHEN e.typtype = 'e' THEN en.nspname END AS enum_schema,
       CASE WHEN e.typtype = 'e' THEN e.typname END  AS enum_name,
       CASE WHEN e.typtype = 'e' THEN (SELECT array_agg(l.enumlabel ORDER BY l.enumsortorder)
                                       FROM pg_enum l WHERE l.enumtypid = e.oid) END AS enum_labels,
       CASE WHEN a.atthasmissing THEN (array_to_json(a.attmissingval) -> 0)::text END AS missing
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type e ON e.oid = CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem ELSE t.oid END
JOIN pg_namespace en ON en.oid = e.typnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated <> ''
WHERE n.nspname = :schema AND c.relname = :name AND c.relkind IN ('r', 'p')
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum

-- The rights cdc consume needs to apply one topic and the current user lacks, one row each
-- (grant_consume.sql grants them; for the other side of a two-way sync, grant_two_way.sql too).
SELECT format('%s on %s', v.privilege, v.relation) AS missing
FROM (VALUES ('SELECT', 'cdc.subscriptions'), ('SELECT', 'cdc.applied_offsets'),
             ('INSERT', 'cdc.applied_offsets'), ('UPDATE', 'cdc.applied_offsets'),
             ('SELECT', 'cdc.applied_positions'), ('INSERT', 'cdc.applied_positions'),
             ('UPDATE', 'cdc.applied_positions')) v(privilege, relation)
WHERE CASE WHEN has_schema_privilege('cdc', 'USAGE') THEN NOT has_table_privilege(v.relation, v.privilege) ELSE true END
UNION ALL
SELECT format('%s on %s', p.privilege, t.relation)
FROM (SELECT format('%I.%I', table_schema, table_name) AS relation, table_schema
      FROM cdc.subscriptions WHERE topic = :topic) t
CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE')) p(privilege)
WHERE CASE WHEN has_schema_privilege(t.table_schema, 'USAGE')
           THEN to_regclass(t.relation) IS NOT NULL AND NOT has_table_privilege(t.relation, p.privilege) ELSE true END
UNION ALL
SELECT format('%s on %s', p.privilege, s.versions)
FROM (SELECT to_jsonb(x) ->> 'versions' AS versions FROM cdc.subscriptions x WHERE x.topic = :topic) s
CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE')) p(privilege)
WHERE to_regclass(s.versions) IS NOT NULL AND NOT has_table_privilege(s.versions, p.privilege)
UNION ALL
SELECT 'INSERT on cdc.conflicts'
FROM (SELECT to_jsonb(x) ->> 'versions' AS versions FROM cdc.subscriptions x WHERE x.topic = :topic) s
WHERE s.versions IS NOT NULL AND to_regclass('cdc.conflicts') IS NOT NULL
  AND has_schema_privilege('cdc', 'USAGE') AND NOT has_table_privilege('cdc.conflicts', 'INSERT')

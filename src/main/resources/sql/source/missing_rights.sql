-- The rights on one capture that cdc produce needs and the current user lacks, one row each
-- (grant_produce.sql grants them). Reading cdc.capture was checked already, by finding the capture.
SELECT format('%s on %s', v.privilege, v.relation) AS missing
FROM (VALUES ('UPDATE', 'cdc.capture'),
             ('SELECT', ${changelog_lit}), ('DELETE', ${changelog_lit}),
             ('SELECT', ${retained_lit}), ('INSERT', ${retained_lit}), ('DELETE', ${retained_lit})) v(privilege, relation)
WHERE CASE WHEN has_schema_privilege(${changelog_schema_lit}, 'USAGE')
           THEN NOT has_table_privilege(v.relation, v.privilege) ELSE true END

-- Two-way sync: what cdc consume needs on one side beyond grant_consume.sql, granted to ${role} by
-- cdc setup --two-way --consumer-role. (The right to set session_replication_role is granted by
-- grant_replica.sql, on PostgreSQL 15 and later; before, only a superuser has it.)
GRANT SELECT, INSERT, UPDATE ON ${versions} TO ${role};  -- the versions of the rows it applies
GRANT INSERT ON cdc.conflicts TO ${role};
-- The sequences of the columns the table fills by itself (serial): with --key, a row applied from
-- the other side gets this side's own primary key.
DO $grant$
DECLARE
    s text;
BEGIN
    FOR s IN SELECT d.objid::regclass::text FROM pg_depend d JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S'
             WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
               AND d.refobjid = ${table_lit}::regclass AND d.deptype IN ('a', 'i') LOOP
        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', s, ${role_lit});
    END LOOP;
END
$grant$;

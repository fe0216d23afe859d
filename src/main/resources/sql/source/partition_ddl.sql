-- Partitions created or attached later (CREATE TABLE ... PARTITION OF, ALTER TABLE ... ATTACH
-- PARTITION) get the capture triggers at once, in the transaction that made them, before any row
-- can be written to them; a detached one loses them. An event trigger needs a superuser to create;
-- it runs as its owner, so that whoever changes the tables needs no right on cdc's.
CREATE OR REPLACE FUNCTION cdc.on_table_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    fn text;
BEGIN
    FOR fn IN SELECT k.partitions_fn FROM cdc.capture k
              WHERE k.partitions_fn IS NOT NULL AND to_regprocedure(k.partitions_fn || '(boolean)') IS NOT NULL LOOP
        EXECUTE 'SELECT ' || fn || '(true)';
    END LOOP;
END
$fn$;
DROP EVENT TRIGGER IF EXISTS cdc_partitions;
CREATE EVENT TRIGGER cdc_partitions ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
    EXECUTE FUNCTION cdc.on_table_ddl();

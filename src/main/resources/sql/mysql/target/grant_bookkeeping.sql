-- cdc consume and cdc status read and write the bookkeeping.
GRANT SELECT, INSERT, UPDATE ON cdc.* TO ${role}

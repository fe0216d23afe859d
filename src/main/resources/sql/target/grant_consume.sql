-- What cdc consume and cdc status need on the target for one table, and nothing more; granted to
-- ${role} by cdc setup --consumer-role. Applying a schema change (ALTER TABLE ... ADD COLUMN) needs
-- the table's owner: grant that role to ${role} as well if the sync should follow them.
GRANT USAGE ON SCHEMA cdc TO ${role};
GRANT SELECT ON cdc.subscriptions TO ${role};
GRANT SELECT, INSERT, UPDATE ON cdc.applied_offsets TO ${role};   -- offsets, stored with the rows
GRANT SELECT, INSERT, UPDATE ON cdc.applied_positions TO ${role}; -- and the sources' positions
GRANT USAGE ON SCHEMA ${table_schema} TO ${role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${role};

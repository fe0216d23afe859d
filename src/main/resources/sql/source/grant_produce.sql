-- What cdc produce and cdc status need on the source, and nothing more; granted to ${role} by
-- cdc setup --producer-role. Writers of the table need no right on any of these: the capture
-- triggers run as their owner (SECURITY DEFINER, see capture.sql).
GRANT USAGE ON SCHEMA cdc TO ${role};
GRANT USAGE ON SCHEMA ${changelog_schema} TO ${role};
GRANT SELECT, UPDATE ON cdc.capture TO ${role};            -- the cursor
GRANT SELECT, DELETE ON ${changelog} TO ${role};           -- read, and remove once published
GRANT SELECT, INSERT, DELETE ON ${retained} TO ${role};    -- produce --retain

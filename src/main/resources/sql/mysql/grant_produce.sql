-- What cdc produce and cdc status need on a MySQL/MariaDB source (cdc setup --producer-role): the
-- changelog's rows (read, and deleted once published), the cursor's, and the table's columns (its
-- definition is announced with the events). One statement per line-ending ';'.
GRANT SELECT, DELETE ON ${changelog} TO ${role};
GRANT SELECT, UPDATE ON cdc.capture TO ${role};
GRANT SELECT ON ${table} TO ${role};
GRANT SELECT, INSERT, DELETE ON ${retained} TO ${role};

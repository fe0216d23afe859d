-- The init file of a local MariaDB started with grants (LocalMariaDb.withGrants), run at every start:
-- no anonymous users (they would shadow the ones made for tests), and an administrator over TCP.
-- One statement per line: the server reads the file line by line.
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
CREATE USER IF NOT EXISTS 'cdc_admin'@'%' IDENTIFIED BY 'cdc_admin';
GRANT ALL PRIVILEGES ON *.* TO 'cdc_admin'@'%' WITH GRANT OPTION;

-- Whether the server writes a binary log in STATEMENT format, in which InnoDB refuses the writes of
-- a session at READ COMMITTED (cdc's: session.sql) with "impossible to write to binary log".
SELECT @@log_bin = 1 AND @@session.binlog_format = 'STATEMENT'

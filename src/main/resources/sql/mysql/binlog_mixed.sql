-- cdc's session logs its writes in MIXED format (row-based where STATEMENT cannot log them). Needs
-- SUPER or BINLOG ADMIN (MariaDB), SESSION_VARIABLES_ADMIN or SYSTEM_VARIABLES_ADMIN (MySQL 8).
SET SESSION binlog_format = 'MIXED'

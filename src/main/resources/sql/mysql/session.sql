-- Every MySQL/MariaDB session cdc opens, on either side.
-- Values are read and written as text in UTC: TIMESTAMP columns convert to the session's zone.
SET time_zone = '+00:00';
-- Each statement sees what committed before it (the changelog cursor relies on it), not a
-- snapshot taken at the transaction's first read.
SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
-- Strict: a value that does not fit is an error, never silently cut or zeroed.
SET sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

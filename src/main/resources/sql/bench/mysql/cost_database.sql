-- Write cost on MySQL/MariaDB: the benchmark's tables are in their own database.
CREATE DATABASE IF NOT EXISTS cdc_bench

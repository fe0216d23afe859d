-- The database (MySQL's schema) of a target table.
CREATE DATABASE IF NOT EXISTS ${schema} CHARACTER SET utf8mb4

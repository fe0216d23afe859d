-- How far the bookkeeping of install.sql is installed: how many of its tables exist (3: all), and
-- whether cdc.subscriptions has its newest column (1: current).
SELECT (SELECT COUNT(*) FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = 'cdc' AND TABLE_NAME IN ('subscriptions', 'applied_offsets', 'applied_positions')) AS tables,
       (SELECT COUNT(*) FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = 'cdc' AND TABLE_NAME = 'subscriptions' AND COLUMN_NAME = 'other_table') AS current

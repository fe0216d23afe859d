-- How far the bookkeeping of install.sql is installed: its tables, and the newest column of
-- cdc.subscriptions (4: set up and current).
SELECT (SELECT COUNT(*) FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = 'cdc' AND TABLE_NAME IN ('subscriptions', 'applied_offsets', 'applied_positions'))
     + (SELECT COUNT(*) FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = 'cdc' AND TABLE_NAME = 'subscriptions' AND COLUMN_NAME = 'other_table')

-- How many of the bookkeeping tables of install.sql the target has (3: set up).
SELECT COUNT(*) FROM information_schema.TABLES
WHERE TABLE_SCHEMA = 'cdc' AND TABLE_NAME IN ('subscriptions', 'applied_offsets', 'applied_positions')

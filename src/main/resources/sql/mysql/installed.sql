SELECT COUNT(*) > 0 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'cdc' AND TABLE_NAME = 'capture'

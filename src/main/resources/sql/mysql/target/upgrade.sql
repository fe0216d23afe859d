-- Bookkeeping installed by an older cdc, before cdc.subscriptions had other_table (install.sql's
-- CREATE TABLE IF NOT EXISTS keeps the table as it was). Run when installed.sql finds it missing.
ALTER TABLE cdc.subscriptions ADD COLUMN other_table VARCHAR(130) NULL

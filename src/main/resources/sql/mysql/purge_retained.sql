-- Deletes the retained rows published longer ago than produce --retain.
DELETE FROM ${retained} WHERE published_at < UTC_TIMESTAMP(6) - INTERVAL :retain_ms * 1000 MICROSECOND

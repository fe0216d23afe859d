-- A busy producer holds the wake lock: the capture triggers then send no NOTIFY (see capture.sql).
SELECT pg_try_advisory_lock(${wake_lock})

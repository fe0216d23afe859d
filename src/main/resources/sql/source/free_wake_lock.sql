-- About to idle: the capture triggers notify again.
SELECT pg_advisory_unlock(${wake_lock})

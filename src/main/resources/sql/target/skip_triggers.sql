-- Two-way sync: the capture triggers of this side do not fire for what is applied from the other
-- side, so nothing is sent back (needs a superuser, or SET ON PARAMETER session_replication_role).
SET LOCAL session_replication_role = replica

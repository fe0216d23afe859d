-- Two-way sync, PostgreSQL 15 and later: lets ${role} apply the other side's changes with
-- session_replication_role = replica, so that the capture triggers do not send them back.
GRANT SET ON PARAMETER session_replication_role TO ${role};

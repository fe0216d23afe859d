-- One-way capture: writers with session_replication_role = replica (bulk loaders, logical
-- replication workers) skip ordinary triggers, so the capture triggers fire ALWAYS and their
-- changes are captured too. A two-way side keeps ordinary ones: the other side's changes are
-- applied there as a replica, and must not be captured and sent back. Placeholders as in capture.sql.
ALTER TABLE ${table} ENABLE ALWAYS TRIGGER cdc_capture_insert;
ALTER TABLE ${table} ENABLE ALWAYS TRIGGER cdc_capture_update;
ALTER TABLE ${table} ENABLE ALWAYS TRIGGER cdc_capture_delete;
ALTER TABLE ${table} ENABLE ALWAYS TRIGGER cdc_capture_truncate;

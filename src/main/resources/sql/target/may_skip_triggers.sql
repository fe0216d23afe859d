-- Two-way sync: whether the current user may SET session_replication_role (a superuser may; on
-- PostgreSQL 15 and later, ${granted} checks GRANT SET ON PARAMETER, before it is false).
SELECT r.rolsuper OR ${granted} FROM pg_roles r WHERE r.rolname = current_user

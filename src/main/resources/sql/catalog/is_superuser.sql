-- Whether the session's user is a superuser.
SELECT rolsuper FROM pg_roles WHERE rolname = current_user

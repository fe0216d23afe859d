-- The sessions a program has open on this server, by the application name it connects with.
SELECT count(*) FROM pg_stat_activity WHERE application_name = :a

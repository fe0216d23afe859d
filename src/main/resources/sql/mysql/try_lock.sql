-- The producer lock of a table: one producer per table; it lives as long as the session.
SELECT GET_LOCK(:name, 0)

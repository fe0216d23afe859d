-- Whether a gap's row is committed (a row), never will be (no row), or is being written by a
-- transaction still open (the row's lock is held: an error at once, no waiting).
SELECT seq FROM ${changelog} WHERE seq = :seq FOR UPDATE NOWAIT

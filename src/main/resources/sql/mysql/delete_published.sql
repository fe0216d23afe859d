-- A published row leaves the changelog (run as a batch, one seq each). Not a range nor a list: a
-- delete that scans (a range, or a list the optimizer reads as a scan of a small table) reads rows
-- it does not delete, and waits for the lock of one that is a gap's uncommitted insert, for as
-- long as that transaction stays open; a read passes it by. A lookup by the whole key does not.
DELETE FROM ${changelog} WHERE seq = :seq

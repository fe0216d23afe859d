-- A changelog's changes not yet published (every visible changelog row is an unpublished one), and
-- how long ago the oldest was written.
SELECT coalesce(sum(n), 0)                       AS events,
       extract(epoch FROM now() - min(at))::float8 AS oldest_seconds
FROM ${changelog}

-- The committed rows above the high-water mark, in seq order (at most :limit).
SELECT seq FROM ${changelog} WHERE seq > :hw ORDER BY seq LIMIT :limit

-- Rows at or below the high-water mark still in the changelog: published rows leave it with the
-- cursor's move, so these committed after the rows around them were read (late commits).
SELECT seq FROM ${changelog} WHERE seq <= :hw ORDER BY seq LIMIT :limit

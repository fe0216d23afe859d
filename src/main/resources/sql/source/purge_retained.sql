-- Deletes the retained rows published longer ago than produce --retain (a range of the primary key).
DELETE FROM ${retained}
WHERE published_at < now() - make_interval(secs => :retain_seconds)

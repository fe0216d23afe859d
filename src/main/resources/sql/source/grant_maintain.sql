-- PostgreSQL 17 and later: lets the producer vacuum the changelog without owning it.
GRANT MAINTAIN ON ${changelog}, ${retained} TO ${role};

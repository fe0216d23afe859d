DROP TABLE IF EXISTS ${changelog}

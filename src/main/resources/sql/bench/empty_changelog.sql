TRUNCATE ${changelog}

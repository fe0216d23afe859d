TRUNCATE TABLE ${changelog}

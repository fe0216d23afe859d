(${i}, EXISTS (SELECT FROM ${changelog}))

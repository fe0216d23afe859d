SELECT COUNT(*) AS events, TIMESTAMPDIFF(MICROSECOND, MIN(at), NOW(6)) / 1e6 AS oldest_seconds FROM ${changelog}

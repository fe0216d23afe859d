-- Whether a type name resolves (to_regtype parses a type name and nothing else).
SELECT to_regtype(:t) IS NOT NULL

-- The labels of an enum type, in their order.
SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = to_regtype(:t) ORDER BY e.enumsortorder
